import SupportAgentIcon from '@mui/icons-material/SupportAgent';
import type { ResourceProps } from 'react-admin';
import { TicketList } from './TicketList';
import { TicketShow } from './TicketShow';

/** The support inbox: tickets with SLA clocks, the conversation, the user's account state and actions. */
export const tickets = {
  name: 'tickets',
  list: TicketList,
  show: TicketShow,
  icon: SupportAgentIcon,
  recordRepresentation: (record: { number?: number; subject?: string }) => `#${record.number ?? ''} ${record.subject ?? ''}`,
} satisfies ResourceProps;

export { ticketMessages } from './ticketMessages';

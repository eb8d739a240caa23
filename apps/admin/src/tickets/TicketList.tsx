import InboxIcon from '@mui/icons-material/Inbox';
import WarningIcon from '@mui/icons-material/Warning';
import { Card, CardContent, Chip } from '@mui/material';
import { DataTable, DateField, FilterList, FilterListItem, List, type RaRecord, SearchInput, SelectInput, useGetIdentity, useRecordContext, useTranslate } from 'react-admin';
import { UnderHoldChip } from '../legal-holds';
import { TICKET_CATEGORY_CHOICES, TICKET_PRIORITY_CHOICES, TICKET_STATUS_CHOICES, choiceName } from './ticketChoices';

const ticketFilters = [
  // Ticket text is encrypted at rest (decision 019): the search finds numbers, emails and ids only.
  <SearchInput key="q" source="q" alwaysOn placeholder="Number, email or id" />,
  <SelectInput key="status" source="status" choices={TICKET_STATUS_CHOICES} alwaysOn />,
  <SelectInput key="category" source="category" choices={TICKET_CATEGORY_CHOICES} />,
  <SelectInput key="priority" source="priority" choices={TICKET_PRIORITY_CHOICES} />,
];

/** The inbox views: my tickets, unassigned, breached. */
const InboxSidebar = () => {
  const translate = useTranslate();
  const { identity } = useGetIdentity();
  return (
    <Card sx={{ order: -1, mr: 2, mt: 8, width: 200, display: { xs: 'none', md: 'block' } }}>
      <CardContent>
        <FilterList label="soar2.tickets.inbox" icon={<InboxIcon />}>
          {identity ? <FilterListItem label={translate('soar2.tickets.mine')} value={{ assigneeId: identity.id, unassigned: undefined, breached: undefined }} /> : null}
          <FilterListItem label={translate('soar2.tickets.unassigned')} value={{ unassigned: true, assigneeId: undefined, breached: undefined }} />
          <FilterListItem label={translate('soar2.tickets.breached')} value={{ breached: true, assigneeId: undefined, unassigned: undefined }} />
        </FilterList>
      </CardContent>
    </Card>
  );
};

const SlaCell = () => {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record?.sla?.breached) return null;
  return <Chip size="small" color="error" icon={<WarningIcon />} label={translate('soar2.tickets.breached_chip')} />;
};

const ChoiceCell = ({ source, choices }: { source: string; choices: ReadonlyArray<{ id: string; name: string }> }) => {
  const record = useRecordContext();
  return <span>{choiceName(choices, record?.[source])}</span>;
};

/** Breached tickets stand out in the list. */
const rowSx = (record: RaRecord) => ((record.sla as { breached?: boolean } | undefined)?.breached ? { backgroundColor: 'rgba(211, 47, 47, 0.08)' } : {});

export const TicketList = () => (
  <List filters={ticketFilters} aside={<InboxSidebar />} sort={{ field: 'createdAt', order: 'DESC' }} filterDefaultValues={{}}>
    <DataTable rowClick="show" bulkActionButtons={false} rowSx={rowSx}>
      <DataTable.NumberCol source="number" />
      <DataTable.Col source="underHold" label="resources.legal-holds.banner.column" disableSort render={() => <UnderHoldChip />} />
      <DataTable.Col source="subject" />
      <DataTable.Col source="category" render={() => <ChoiceCell source="category" choices={TICKET_CATEGORY_CHOICES} />} />
      <DataTable.Col source="status" render={() => <ChoiceCell source="status" choices={TICKET_STATUS_CHOICES} />} />
      <DataTable.Col source="priority" render={() => <ChoiceCell source="priority" choices={TICKET_PRIORITY_CHOICES} />} />
      <DataTable.Col source="sla.firstResponseDueAt" field={DateField} disableSort />
      <DataTable.Col source="sla.resolutionDueAt" field={DateField} disableSort />
      <DataTable.Col label="SLA" disableSort render={() => <SlaCell />} />
      <DataTable.Col source="createdAt" field={DateField} />
    </DataTable>
  </List>
);


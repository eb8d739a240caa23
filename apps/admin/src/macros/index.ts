import ShortTextIcon from '@mui/icons-material/ShortText';
import type { ResourceProps } from 'react-admin';
import { MacroCreate } from './MacroCreate';
import { MacroEdit } from './MacroEdit';
import { MacroList } from './MacroList';

/** Canned replies for tickets: admins write them; agents insert them from the ticket's reply box. */
export const macros = {
  name: 'ticket-macros',
  list: MacroList,
  create: MacroCreate,
  edit: MacroEdit,
  icon: ShortTextIcon,
  recordRepresentation: 'title',
} satisfies ResourceProps;

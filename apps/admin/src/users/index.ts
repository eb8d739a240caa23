import PersonIcon from '@mui/icons-material/Person';
import type { ResourceProps } from 'react-admin';
import { UserList } from './UserList';
import { UserShow } from './UserShow';

/** End users of Soar2 AI: support finds them by email, privacy officers see their access log and restrict processing. */
export const users = {
  name: 'users',
  list: UserList,
  show: UserShow,
  icon: PersonIcon,
  recordRepresentation: 'email',
} satisfies ResourceProps;

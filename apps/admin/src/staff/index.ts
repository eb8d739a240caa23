import PeopleIcon from '@mui/icons-material/People';
import type { ResourceProps } from 'react-admin';
import { StaffCreate } from './StaffCreate';
import { StaffEdit } from './StaffEdit';
import { StaffList } from './StaffList';
import { StaffShow } from './StaffShow';

/** Staff accounts (admin only): invite, edit, disable, unlock, reset a password. */
export const staff = {
  name: 'staff',
  list: StaffList,
  show: StaffShow,
  create: StaffCreate,
  edit: StaffEdit,
  icon: PeopleIcon,
  recordRepresentation: 'displayName',
} satisfies ResourceProps;

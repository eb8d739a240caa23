import PeopleIcon from '@mui/icons-material/People';
import type { ResourceProps } from 'react-admin';
import { StaffList } from './StaffList';
import { StaffShow } from './StaffShow';

/** Staff accounts (admin only). */
export const staff = {
  name: 'staff',
  list: StaffList,
  show: StaffShow,
  icon: PeopleIcon,
  recordRepresentation: 'displayName',
} satisfies ResourceProps;

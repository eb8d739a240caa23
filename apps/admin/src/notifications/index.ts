import MailIcon from '@mui/icons-material/Mail';
import type { ResourceProps } from 'react-admin';
import { NotificationList } from './NotificationList';
import { NotificationShow } from './NotificationShow';

/** The email outbox: every message the platform sent or will send. */
export const notifications = {
  name: 'notifications',
  list: NotificationList,
  show: NotificationShow,
  icon: MailIcon,
  recordRepresentation: 'subject',
} satisfies ResourceProps;

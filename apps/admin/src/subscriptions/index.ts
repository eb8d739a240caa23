import AutorenewIcon from '@mui/icons-material/Autorenew';
import type { ResourceProps } from 'react-admin';
import { SubscriptionList } from './SubscriptionList';

/** Stripe subscriptions as last read from Stripe: status, period, Stripe ids (links to the dashboard). */
export const subscriptions = {
  name: 'subscriptions',
  list: SubscriptionList,
  icon: AutorenewIcon,
} satisfies ResourceProps;

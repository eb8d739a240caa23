import WebhookIcon from '@mui/icons-material/Webhook';
import type { ResourceProps } from 'react-admin';
import { StripeEventList } from './StripeEventList';

/** Stripe webhook events as received and processed (ids and outcomes; never payloads). */
export const stripeEvents = {
  name: 'stripe-events',
  list: StripeEventList,
  icon: WebhookIcon,
} satisfies ResourceProps;

import SellIcon from '@mui/icons-material/Sell';
import type { ResourceProps } from 'react-admin';
import { PlanCreate } from './PlanCreate';
import { PlanEdit } from './PlanEdit';
import { PlanList } from './PlanList';

/** Subscription plans (monthly credits, Stripe price, video retention); admins edit them. */
export const plans = {
  name: 'plans',
  list: PlanList,
  create: PlanCreate,
  edit: PlanEdit,
  icon: SellIcon,
  recordRepresentation: 'name',
} satisfies ResourceProps;

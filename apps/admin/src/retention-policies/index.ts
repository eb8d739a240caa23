import ScheduleIcon from '@mui/icons-material/Schedule';
import type { ResourceProps } from 'react-admin';
import { RetentionPolicyEdit } from './RetentionPolicyEdit';
import { RetentionPolicyList } from './RetentionPolicyList';
import { RetentionPolicyShow } from './RetentionPolicyShow';

/** How long each category of personal data is kept, and what happens then. */
export const retentionPolicies = {
  name: 'retention-policies',
  list: RetentionPolicyList,
  show: RetentionPolicyShow,
  edit: RetentionPolicyEdit,
  icon: ScheduleIcon,
  recordRepresentation: 'category',
} satisfies ResourceProps;

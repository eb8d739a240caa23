import PolicyIcon from '@mui/icons-material/Policy';
import type { ResourceProps } from 'react-admin';
import { PrivacyRequestList } from './PrivacyRequestList';
import { PrivacyRequestShow } from './PrivacyRequestShow';

/** GDPR/CCPA/COPPA requests: the privacy officer's queue and workflow. */
export const privacyRequests = {
  name: 'privacy-requests',
  list: PrivacyRequestList,
  show: PrivacyRequestShow,
  icon: PolicyIcon,
  options: { label: 'Privacy requests' },
} satisfies ResourceProps;

import PolicyIcon from '@mui/icons-material/Policy';
import type { ResourceProps } from 'react-admin';
import { PolicyVersionCreate } from './PolicyVersionCreate';
import { PolicyVersionEdit } from './PolicyVersionEdit';
import { PolicyVersionList } from './PolicyVersionList';
import { PolicyVersionShow } from './PolicyVersionShow';

/** Privacy-policy versions: drafts, publication (immutable afterwards) and diffs between versions. */
export const policyVersions = {
  name: 'policy-versions',
  list: PolicyVersionList,
  create: PolicyVersionCreate,
  edit: PolicyVersionEdit,
  show: PolicyVersionShow,
  icon: PolicyIcon,
  recordRepresentation: 'version',
} satisfies ResourceProps;

import FactCheckIcon from '@mui/icons-material/FactCheck';
import type { ResourceProps } from 'react-admin';
import { ConsentList } from './ConsentList';
import { ConsentShow } from './ConsentShow';

export { UserConsentSection } from './UserConsentSection';

/** The consent ledger (privacy officers). */
export const consents = {
  name: 'consents',
  list: ConsentList,
  show: ConsentShow,
  icon: FactCheckIcon,
  recordRepresentation: 'purpose',
} satisfies ResourceProps;

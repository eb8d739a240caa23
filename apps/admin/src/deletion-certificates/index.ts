import VerifiedIcon from '@mui/icons-material/Verified';
import type { ResourceProps } from 'react-admin';
import { DeletionCertificateList } from './DeletionCertificateList';
import { DeletionCertificateShow } from './DeletionCertificateShow';

/** Signed proofs of erasure (JSON + PDF). */
export const deletionCertificates = {
  name: 'deletion-certificates',
  list: DeletionCertificateList,
  show: DeletionCertificateShow,
  icon: VerifiedIcon,
} satisfies ResourceProps;

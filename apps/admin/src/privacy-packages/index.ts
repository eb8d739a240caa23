import ArchiveIcon from '@mui/icons-material/Archive';
import type { ResourceProps } from 'react-admin';
import { PrivacyPackageList } from './PrivacyPackageList';
import { PrivacyPackageShow } from './PrivacyPackageShow';

export { PackageProgress } from './PackageProgress';

/** Access/portability packages of privacy requests: build progress, size and checksum. */
export const privacyPackages = {
  name: 'privacy-packages',
  list: PrivacyPackageList,
  show: PrivacyPackageShow,
  icon: ArchiveIcon,
} satisfies ResourceProps;

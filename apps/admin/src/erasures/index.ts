import DeleteForeverIcon from '@mui/icons-material/DeleteForever';
import type { ResourceProps } from 'react-admin';
import { ErasureList } from './ErasureList';
import { ErasureShow } from './ErasureShow';

/** Account erasures: grace period, legal-hold waits, per-category progress, certificate. */
export const erasures = {
  name: 'erasures',
  list: ErasureList,
  show: ErasureShow,
  icon: DeleteForeverIcon,
} satisfies ResourceProps;

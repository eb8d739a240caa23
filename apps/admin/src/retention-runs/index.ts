import HistoryIcon from '@mui/icons-material/History';
import type { ResourceProps } from 'react-admin';
import { RetentionRunList } from './RetentionRunList';
import { RetentionRunShow } from './RetentionRunShow';

/** Every retention sweep with its counts, progress and duration. */
export const retentionRuns = {
  name: 'retention-runs',
  list: RetentionRunList,
  show: RetentionRunShow,
  icon: HistoryIcon,
} satisfies ResourceProps;

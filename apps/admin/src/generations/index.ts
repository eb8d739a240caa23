import MovieIcon from '@mui/icons-material/Movie';
import type { ResourceProps } from 'react-admin';
import { GenerationList } from './GenerationList';
import { GenerationShow } from './GenerationShow';

export { GenerationReportCard } from './GenerationReportCard';
export { UserGenerationsSection } from './UserGenerationsSection';

/** Video generation jobs: what happened to each, and the support actions that put it right. */
export const generations = {
  name: 'generations',
  list: GenerationList,
  show: GenerationShow,
  icon: MovieIcon,
  recordRepresentation: 'id',
} satisfies ResourceProps;

import HubIcon from '@mui/icons-material/Hub';
import type { ResourceProps } from 'react-admin';
import { SubprocessorCreate } from './SubprocessorCreate';
import { SubprocessorEdit } from './SubprocessorEdit';
import { SubprocessorList } from './SubprocessorList';
import { SubprocessorShow } from './SubprocessorShow';

/** The sub-processor register (public at GET /v1/policy/subprocessors). */
export const subprocessors = {
  name: 'subprocessors',
  list: SubprocessorList,
  create: SubprocessorCreate,
  edit: SubprocessorEdit,
  show: SubprocessorShow,
  icon: HubIcon,
  recordRepresentation: 'name',
} satisfies ResourceProps;

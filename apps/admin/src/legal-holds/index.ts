import GavelIcon from '@mui/icons-material/Gavel';
import type { ResourceProps } from 'react-admin';
import { LegalHoldCreate } from './LegalHoldCreate';
import { LegalHoldEdit } from './LegalHoldEdit';
import { LegalHoldList } from './LegalHoldList';
import { LegalHoldShow } from './LegalHoldShow';

export { LegalHoldBanner, UnderHoldChip, type CoveringHold } from './LegalHoldBanner';
export { LegalHoldsSection } from './LegalHoldsSection';

/** Legal holds: "unless required by law" — they stop every deletion in their scope. */
export const legalHolds = {
  name: 'legal-holds',
  list: LegalHoldList,
  show: LegalHoldShow,
  create: LegalHoldCreate,
  edit: LegalHoldEdit,
  icon: GavelIcon,
  recordRepresentation: 'reason',
} satisfies ResourceProps;

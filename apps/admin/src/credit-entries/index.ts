import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import type { ResourceProps } from 'react-admin';
import { CreditEntryList } from './CreditEntryList';

/** The append-only credit ledger (read only; adjustments are made from a user's page). */
export const creditEntries = {
  name: 'credit-entries',
  list: CreditEntryList,
  icon: ReceiptLongIcon,
  options: { label: 'Credit ledger' },
} satisfies ResourceProps;

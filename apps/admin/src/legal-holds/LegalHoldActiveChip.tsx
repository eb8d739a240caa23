import { Chip } from '@mui/material';
import { useRecordContext } from 'react-admin';

export const LegalHoldActiveChip = () => {
  const record = useRecordContext();
  if (!record) return null;
  if (record.active) return <Chip size="small" color="warning" label="Active" />;
  return <Chip size="small" variant="outlined" label={record.releasedAt ? 'Released' : 'Expired'} />;
};

import { Chip, Stack } from '@mui/material';
import { useRecordContext } from 'react-admin';

/** Days left, with the overdue, "extension deadline approaching" and "requester waiting" flags of the queue. */
export const DeadlineFlags = () => {
  const record = useRecordContext();
  if (!record) return null;
  const final = ['completed', 'denied', 'expired', 'withdrawn', 'linked'].includes(String(record.status));
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
      {!final && <span>{`${Number(record.daysLeft)} d`}</span>}
      {record.overdue === true && <Chip size="small" color="error" label="Overdue" />}
      {record.extensionApproaching === true && <Chip size="small" color="warning" label="Extension deadline soon" />}
      {record.extended === true && <Chip size="small" variant="outlined" label="Extended" />}
      {record.awaitingOfficer === true && <Chip size="small" color="info" label="Awaiting officer" />}
    </Stack>
  );
};

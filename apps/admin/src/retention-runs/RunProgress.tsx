import { Box, LinearProgress, Typography } from '@mui/material';
import { useRecordContext } from 'react-admin';

export const RunProgress = () => {
  const record = useRecordContext();
  if (!record) return null;
  return (
    <Box sx={{ minWidth: 120 }}>
      <LinearProgress variant="determinate" value={Number(record.progress) || 0} aria-label={`progress ${record.progress}%`} />
      <Typography variant="caption">{record.progress}%</Typography>
    </Box>
  );
};

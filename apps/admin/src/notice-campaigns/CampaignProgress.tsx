import { Box, LinearProgress, Typography } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';

/** Sent out of total, as a bar and in words. */
export const CampaignProgress = () => {
  const record = useRecordContext<{ sent: number; total: number; state: string }>();
  const translate = useTranslate();
  if (!record) return null;
  const pct = record.total > 0 ? Math.round((record.sent / record.total) * 100) : 100;
  return (
    <Box sx={{ minWidth: 160 }}>
      <LinearProgress variant="determinate" value={pct} aria-label={translate('resources.notice-campaigns.fields.progress')} />
      <Typography variant="caption">{translate('soar2.campaign.progress', { sent: record.sent, total: record.total })}</Typography>
    </Box>
  );
};

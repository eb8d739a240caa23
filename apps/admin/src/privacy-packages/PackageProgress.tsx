import { Alert, Box, Chip, LinearProgress, Stack, Typography } from '@mui/material';
import { useGetOne, useTranslate } from 'react-admin';
import { type PackageStatusRecord, formatBytes, isSettled, progressPercent } from './packageProgress';

const POLL_MS = 2000;

/**
 * Build progress of one access package, polling every 2 s until it is ready, failed or purged.
 * The privacy-request page embeds it with the package id the request recorded.
 */
export const PackageProgress = ({ packageId }: { packageId: string }) => {
  const translate = useTranslate();
  const { data, isPending, error } = useGetOne<PackageStatusRecord>(
    'privacy-packages',
    { id: packageId },
    { refetchInterval: (query) => (query.state.data && isSettled(query.state.data.state) ? false : POLL_MS) },
  );
  if (isPending) return <LinearProgress aria-label={translate('soar2.privacyPackages.loading')} />;
  if (error || !data) return <Alert severity="error">{translate('soar2.privacyPackages.unavailable')}</Alert>;
  const percent = progressPercent(data);
  const { categoriesDone, categoriesTotal, bytes } = data.progress;
  return (
    <Box sx={{ minWidth: 280 }} data-testid="package-progress">
      <Stack direction="row" spacing={1} sx={{ mb: 1, alignItems: "center" }}>
        <Chip size="small" label={translate(`soar2.privacyPackages.state.${data.state}`)} color={data.state === 'ready' ? 'success' : data.state === 'failed' ? 'error' : 'default'} />
        <Typography variant="body2">
          {translate('soar2.privacyPackages.categories', { done: categoriesDone, total: categoriesTotal })}
          {' · '}
          {formatBytes(data.size ?? bytes)}
          {data.attempts > 1 ? ` · ${translate('soar2.privacyPackages.attempt', { n: data.attempts })}` : ''}
        </Typography>
      </Stack>
      {data.state === 'queued' ? <LinearProgress variant="indeterminate" color="inherit" /> : null}
      {percent !== undefined ? <LinearProgress variant="determinate" value={percent} aria-valuenow={percent} /> : null}
      {data.state === 'failed' ? (
        <Alert severity="error" sx={{ mt: 1 }}>
          {translate('soar2.privacyPackages.failed', { code: data.errorCode ?? '' })}
        </Alert>
      ) : null}
      {data.state === 'ready' && data.sha256 ? (
        <Typography variant="caption" sx={{ display: 'block', mt: 1, fontFamily: 'monospace', wordBreak: 'break-all' }}>
          SHA-256 {data.sha256}
        </Typography>
      ) : null}
    </Box>
  );
};

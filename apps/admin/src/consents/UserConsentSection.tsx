import { Alert, Box, Chip, Stack, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { DateField, RecordContextProvider, useCanAccess, useGetList, useRecordContext, useTranslate } from 'react-admin';
import { httpClient } from '../providers/httpClient';

interface PurposeState {
  granted: boolean;
  recorded: boolean;
  source: string | null;
  since: string | null;
}

interface ConsentState {
  purposes: Record<string, PurposeState>;
  gpc: { honoured: boolean; firstAt: string | null; lastAt: string | null };
}

interface ConsentEntry {
  id: string;
  purpose: string;
  granted: boolean;
  source: string;
  policyVersion: string | null;
  recordedAt: string;
}

/**
 * A user's current consent choices, whether Global Privacy Control was honoured (and since when),
 * and the timeline of every grant and withdrawal. Only for roles that may read consents.
 */
export const UserConsentSection = () => {
  const record = useRecordContext();
  const translate = useTranslate();
  const { canAccess } = useCanAccess({ action: 'read', resource: 'consents' });
  const userId = record ? String(record.id) : '';
  const enabled = Boolean(record) && canAccess === true;
  const state = useQuery({
    queryKey: ['consent-state', userId],
    enabled,
    queryFn: async () => (await httpClient(`/admin/consents/state/${encodeURIComponent(userId)}`)).json as ConsentState,
  });
  const timeline = useGetList<ConsentEntry>('consents', { filter: { userId }, sort: { field: 'recordedAt', order: 'DESC' }, pagination: { page: 1, perPage: 50 } }, { enabled });
  if (!enabled) return null;
  const label = (purpose: string, s: { granted: boolean }): string =>
    purpose === 'sale_sharing' ? translate(s.granted ? 'soar2.consent.allowed' : 'soar2.consent.opted_out') : translate(s.granted ? 'soar2.consent.granted' : 'soar2.consent.withdrawn');

  return (
    <Box component="section" aria-labelledby="user-consents" sx={{ mt: 2 }}>
      <Typography id="user-consents" variant="h6" gutterBottom>
        {translate('soar2.consent.section')}
      </Typography>
      {state.data && (
        <>
          <Alert severity={state.data.gpc.honoured ? 'info' : 'success'} data-testid="gpc-status" sx={{ mb: 1 }}>
            {state.data.gpc.honoured && state.data.gpc.firstAt
              ? translate('soar2.consent.gpc_honoured', { date: new Date(state.data.gpc.firstAt).toLocaleString() })
              : translate('soar2.consent.gpc_not_seen')}
          </Alert>
          <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', mb: 1 }} aria-label={translate('soar2.consent.current')}>
            {Object.entries(state.data.purposes).map(([purpose, s]) => (
              <Chip
                key={purpose}
                color={s.granted ? 'success' : 'default'}
                variant={s.recorded ? 'filled' : 'outlined'}
                label={`${purpose}: ${label(purpose, s)}${s.recorded ? '' : ` (${translate('soar2.consent.default')})`}`}
              />
            ))}
          </Stack>
        </>
      )}
      <Typography variant="subtitle2">{translate('soar2.consent.timeline')}</Typography>
      {timeline.data && timeline.data.length === 0 && <Typography variant="body2">{translate('soar2.consent.timeline_empty')}</Typography>}
      <Box component="ol" aria-label={translate('soar2.consent.timeline')} sx={{ pl: 3, my: 0 }}>
        {timeline.data?.map((e) => (
          <li key={e.id}>
            <RecordContextProvider value={e}>
              <DateField source="recordedAt" showTime />
            </RecordContextProvider>{' '}
            — {e.purpose} {label(e.purpose, e)} ({e.source}
            {e.policyVersion ? `, policy ${e.policyVersion}` : ''})
          </li>
        ))}
      </Box>
    </Box>
  );
};

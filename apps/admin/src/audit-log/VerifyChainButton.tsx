import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import { Alert, AlertTitle, Button, CircularProgress } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useCanAccess, useNotify, useRefresh, useTranslate } from 'react-admin';
import { httpClient } from '../providers/httpClient';
import { ChainVerdict, isChainVerdict } from './auditLogChoices';

async function verifyChain(): Promise<ChainVerdict> {
  const { json } = await httpClient('/admin/audit-log/verify');
  if (!isChainVerdict(json)) throw new Error('The server answered the verification with something unexpected.');
  return json;
}

/** Recomputes the hash chain on the server; the verdict goes to `onVerdict` (the list shows it above the entries). */
export const VerifyChainButton = ({ onVerdict }: { onVerdict: (verdict: ChainVerdict) => void }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { canAccess } = useCanAccess({ action: 'verify', resource: 'audit-log' });
  const mutation = useMutation({
    mutationFn: verifyChain,
    onSuccess: (verdict) => {
      onVerdict(verdict);
      // The verification is itself an entry of the log.
      refresh();
    },
    onError: (error: unknown) => notify(error instanceof Error ? error.message : 'ra.notification.http_error', { type: 'error' }),
  });
  if (!canAccess) return null;
  return (
    <Button
      size="small"
      startIcon={mutation.isPending ? <CircularProgress size={16} /> : <VerifiedUserIcon />}
      disabled={mutation.isPending}
      onClick={() => mutation.mutate()}
    >
      {translate('soar2.audit.verify')}
    </Button>
  );
};

/** The verdict: valid with the number of entries, or the first broken link and why. */
export const ChainVerdictAlert = ({ verdict, onClose }: { verdict: ChainVerdict; onClose: () => void }) => {
  const translate = useTranslate();
  if (verdict.valid) {
    return (
      <Alert severity="success" onClose={onClose} sx={{ mt: 2 }} data-verdict="valid">
        <AlertTitle>{translate('soar2.audit.valid_title')}</AlertTitle>
        {translate('soar2.audit.valid', { smart_count: verdict.checked })}
        {verdict.archive ? ` ${translate('soar2.audit.archive', { ...verdict.archive })}` : null}
      </Alert>
    );
  }
  return (
    <Alert severity="error" onClose={onClose} sx={{ mt: 2 }} data-verdict="broken">
      <AlertTitle>{translate('soar2.audit.broken_title', { sequence: verdict.firstBrokenSequence ?? '?' })}</AlertTitle>
      {translate('soar2.audit.broken', { reason: verdict.reason ?? '?', checked: verdict.checked })} {verdict.detail}
    </Alert>
  );
};

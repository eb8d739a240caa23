import ReplayIcon from '@mui/icons-material/Replay';
import { Button } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { HttpError, useCanAccess, useNotify, useRecordContext, useRefresh } from 'react-admin';
import { httpClient } from '../providers/httpClient';

/** Runs a Stripe event's handler again (admins); its credit effects are idempotent. */
export const ReprocessButton = () => {
  const record = useRecordContext();
  const notify = useNotify();
  const refresh = useRefresh();
  const { canAccess } = useCanAccess({ action: 'retry', resource: 'stripe-events', record });
  const mutation = useMutation({
    mutationFn: () => httpClient(`/admin/stripe-events/${encodeURIComponent(String(record?.id))}/reprocess`, { method: 'POST', body: '{}' }),
    onSuccess: (res) => {
      const outcome = (res.json as { outcome?: string }).outcome ?? 'done';
      notify(`Re-processed: ${outcome}`, { type: outcome === 'failed' ? 'warning' : 'success' });
      refresh();
    },
    onError: (error: unknown) => notify(error instanceof HttpError ? error.message : 'ra.notification.http_error', { type: 'error' }),
  });
  if (!record || !canAccess) return null;
  return (
    <Button
      size="small"
      startIcon={<ReplayIcon />}
      disabled={mutation.isPending}
      onClick={(e) => {
        e.stopPropagation();
        mutation.mutate();
      }}
    >
      Re-process
    </Button>
  );
};

import PublishIcon from '@mui/icons-material/Publish';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { HttpError, useCanAccess, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import { isApiErrorBody } from '../providers/apiErrors';
import { httpClient } from '../providers/httpClient';

/** `YYYY-MM-DDTHH:mm` in local time, what a datetime-local input takes. */
function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Publishes a draft after asking for its effective date (now by default; never in the past). */
export const PublishButton = () => {
  const record = useRecordContext();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { canAccess } = useCanAccess({ action: 'publish', resource: 'policy-versions', record });
  const [open, setOpen] = useState(false);
  const [effectiveAt, setEffectiveAt] = useState('');
  const [error, setError] = useState<string>();

  const mutation = useMutation({
    mutationFn: (when: string) =>
      httpClient(`/admin/policy-versions/${encodeURIComponent(String(record?.id))}/publish`, {
        method: 'POST',
        body: JSON.stringify({ effectiveAt: new Date(when).toISOString() }),
      }),
    onSuccess: () => {
      setOpen(false);
      notify('soar2.policy.published', { type: 'success' });
      refresh();
    },
    onError: (e: unknown) => {
      const body = e instanceof HttpError ? (e.body as unknown) : undefined;
      setError(isApiErrorBody(body) ? (body.errors?.effectiveAt ?? body.message) : e instanceof Error ? e.message : String(e));
    },
  });

  if (!record || record.status !== 'draft' || !canAccess) return null;
  const start = () => {
    const initial = typeof record.effectiveAt === 'string' && Date.parse(record.effectiveAt) > Date.now() ? new Date(record.effectiveAt) : new Date(Date.now() + 60_000);
    setEffectiveAt(localInputValue(initial));
    setError(undefined);
    setOpen(true);
  };
  return (
    <>
      <Button size="small" variant="contained" startIcon={<PublishIcon />} onClick={start}>
        {translate('soar2.policy.publish')}
      </Button>
      <Dialog open={open} onClose={() => !mutation.isPending && setOpen(false)} aria-labelledby="publish-title" fullWidth maxWidth="sm">
        <DialogTitle id="publish-title">{translate('soar2.policy.publish_title', { version: String(record.version) })}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>{translate('soar2.policy.publish_explanation')}</DialogContentText>
          <TextField
            type="datetime-local"
            label={translate('soar2.policy.effective_at')}
            value={effectiveAt}
            onChange={(e) => setEffectiveAt(e.target.value)}
            fullWidth
            slotProps={{ inputLabel: { shrink: true } }}
          />
          {error && (
            <Alert severity="error" sx={{ mt: 2 }}>
              {error}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={mutation.isPending}>
            {translate('ra.action.cancel')}
          </Button>
          <Button variant="contained" onClick={() => mutation.mutate(effectiveAt)} disabled={mutation.isPending || !effectiveAt}>
            {translate('soar2.policy.publish')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
};

import BlockIcon from '@mui/icons-material/Block';
import LockOpenIcon from '@mui/icons-material/LockOpen';
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { HttpError, useCanAccess, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import { isApiErrorBody } from '../providers/apiErrors';
import { httpClient } from '../providers/httpClient';

export type StatusChange = 'restrict' | 'unrestrict';

/** The status each change applies to (the API refuses the others with 409). */
const APPLIES_TO: Readonly<Record<StatusChange, string>> = { restrict: 'active', unrestrict: 'restricted' };
const MIN_REASON = 3;

/**
 * Restricts processing of a user's data, or lifts the restriction, after asking why. Shown only to
 * roles the rules let change a user's status (privacy officers), and only when the change applies.
 */
export const StatusChangeButton = ({ change }: { change: StatusChange }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { canAccess } = useCanAccess({ action: 'update', resource: 'users', record });
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string>();

  const mutation = useMutation({
    mutationFn: (why: string) => httpClient(`/admin/users/${encodeURIComponent(String(record?.id))}/${change}`, { method: 'POST', body: JSON.stringify({ reason: why }) }),
    onSuccess: () => {
      setOpen(false);
      setReason('');
      notify(`soar2.users.${change}.done`, { type: 'success' });
      refresh();
    },
    onError: (error: unknown) => {
      const body = error instanceof HttpError ? (error.body as unknown) : undefined;
      const reasonError = isApiErrorBody(body) ? body.errors?.reason : undefined;
      if (reasonError) setFieldError(reasonError);
      else notify(error instanceof Error ? error.message : 'ra.notification.http_error', { type: 'error' });
    },
  });

  if (!record || !canAccess || record.status !== APPLIES_TO[change]) return null;
  const close = () => {
    if (mutation.isPending) return;
    setOpen(false);
    setFieldError(undefined);
  };
  const confirm = () => mutation.mutate(reason.trim());
  const title = translate(`soar2.users.${change}.title`);

  return (
    <>
      <Button size="small" color={change === 'restrict' ? 'warning' : 'primary'} startIcon={change === 'restrict' ? <BlockIcon /> : <LockOpenIcon />} onClick={() => setOpen(true)}>
        {translate(`soar2.users.${change}.button`)}
      </Button>
      <Dialog open={open} onClose={close} aria-labelledby={`user-${change}-title`} fullWidth maxWidth="sm">
        <DialogTitle id={`user-${change}-title`}>{title}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>{translate(`soar2.users.${change}.explanation`)}</DialogContentText>
          <TextField
            autoFocus
            fullWidth
            multiline
            minRows={2}
            label={translate('soar2.users.reason')}
            helperText={fieldError ?? translate('soar2.users.reason_help')}
            error={fieldError !== undefined}
            value={reason}
            onChange={(event) => {
              setReason(event.target.value);
              setFieldError(undefined);
            }}
            slotProps={{ htmlInput: { maxLength: 500 } }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={close} disabled={mutation.isPending}>
            {translate('ra.action.cancel')}
          </Button>
          <Button variant="contained" color={change === 'restrict' ? 'warning' : 'primary'} onClick={confirm} disabled={mutation.isPending || reason.trim().length < MIN_REASON}>
            {translate(`soar2.users.${change}.confirm`)}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
};

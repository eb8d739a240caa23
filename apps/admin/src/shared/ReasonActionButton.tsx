import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactElement } from 'react';
import { useNotify, useRefresh } from 'react-admin';
import { callApi } from '../providers/consoleApi';

export interface ReasonActionButtonProps {
  /** API path of the action, e.g. `/admin/legal-holds/<id>/release`. */
  path: string;
  label: string;
  title: string;
  explanation: string;
  done: string;
  icon?: ReactElement;
  color?: 'primary' | 'warning' | 'error';
}

/** A console action that asks why before it runs (release a hold, cancel an erasure); the reason is audited. */
export const ReasonActionButton = ({ path, label, title, explanation, done, icon, color = 'primary' }: ReasonActionButtonProps) => {
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const mutation = useMutation({
    mutationFn: (why: string) => callApi('POST', path, { reason: why }),
    onSuccess: (result) => {
      if (result.ok) {
        setOpen(false);
        setReason('');
        notify(done, { type: 'success' });
        refresh();
      } else if (result.fieldErrors?.reason) setFieldError(result.fieldErrors.reason);
      else notify(result.message, { type: 'error' });
    },
  });
  const close = () => {
    if (!mutation.isPending) setOpen(false);
  };
  return (
    <>
      <Button size="small" color={color} startIcon={icon} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Dialog open={open} onClose={close} fullWidth maxWidth="sm" aria-labelledby="reason-action-title">
        <DialogTitle id="reason-action-title">{title}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>{explanation}</DialogContentText>
          <TextField
            autoFocus
            fullWidth
            multiline
            minRows={2}
            label="Reason"
            helperText={fieldError ?? 'Kept in the audit log. Refer to a case or request, not to an email address.'}
            error={fieldError !== undefined}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setFieldError(undefined);
            }}
            slotProps={{ htmlInput: { maxLength: 2000, 'aria-label': 'Reason' } }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={close} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button variant="contained" color={color} onClick={() => mutation.mutate(reason.trim())} disabled={mutation.isPending || reason.trim().length < 3}>
            {label}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
};

import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField, Tooltip } from '@mui/material';
import { useState } from 'react';
import { useCanAccess, useNotify, useRecordContext, useRedirect, useRefresh, useTranslate } from 'react-admin';
import { callApi } from '../providers/consoleApi';

export type GenerationVerb = 'refresh' | 'retry' | 'cancel' | 'refund' | 'recopy' | 'delete';

const RUNNING = ['queued', 'in_progress'];

/** When each action applies (the API refuses the others with 409 and says why). */
function applies(verb: GenerationVerb, r: Record<string, unknown>): boolean {
  switch (verb) {
    case 'refresh':
    case 'cancel':
      return RUNNING.includes(String(r.status));
    case 'retry':
      return r.status === 'failed' || r.status === 'canceled';
    case 'refund':
      return r.creditsOutcome === 'captured';
    case 'recopy':
      return r.status === 'completed';
    case 'delete':
      return !r.deleted;
  }
}

/** A console action on a job, after asking why (the reason goes to the audit log). */
export const GenerationActionButton = ({ verb }: { verb: GenerationVerb }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const redirect = useRedirect();
  const { canAccess } = useCanAccess({ action: verb, resource: 'generations', record });
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string>();
  const [pending, setPending] = useState(false);

  if (!record || !canAccess || !applies(verb, record)) return null;
  const label = translate(`resources.generations.actions.${verb}`);
  // The API refuses to delete a held job (409 LEGAL_HOLD_BLOCKS_DELETION): say so instead of offering it.
  if (verb === 'delete' && record.underHold) {
    const why = translate('resources.legal-holds.banner.delete_blocked');
    return (
      <Tooltip title={why}>
        <span>
          <Button size="small" color="warning" disabled aria-description={why} data-testid="generation-delete-held">
            {label}
          </Button>
        </span>
      </Tooltip>
    );
  }
  const confirm = async () => {
    setPending(true);
    const result = await callApi<{ id: string }>('POST', `/admin/generations/${encodeURIComponent(String(record.id))}/${verb}`, { reason: reason.trim() });
    setPending(false);
    if (!result.ok) {
      if (result.fieldErrors?.reason) setFieldError(result.fieldErrors.reason);
      else notify(result.message, { type: 'error' });
      return;
    }
    setOpen(false);
    setReason('');
    notify(translate('resources.generations.actions.done', { action: label }), { type: 'success' });
    if (verb === 'retry' && result.body.id !== record.id) redirect('show', 'generations', result.body.id);
    else refresh();
  };
  return (
    <>
      <Button size="small" color={verb === 'delete' || verb === 'cancel' ? 'warning' : 'primary'} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Dialog open={open} onClose={() => !pending && setOpen(false)} aria-labelledby={`generation-${verb}-title`} fullWidth maxWidth="sm">
        <DialogTitle id={`generation-${verb}-title`}>{label}</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>{translate(`resources.generations.actions.${verb}_help`)}</DialogContentText>
          <TextField
            autoFocus
            fullWidth
            multiline
            minRows={2}
            label={translate('resources.generations.actions.reason')}
            helperText={fieldError ?? translate('resources.generations.actions.reason_help')}
            error={fieldError !== undefined}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setFieldError(undefined);
            }}
            slotProps={{ htmlInput: { maxLength: 500 } }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={pending}>
            {translate('ra.action.cancel')}
          </Button>
          <Button onClick={() => void confirm()} disabled={pending || reason.trim().length < 3} variant="contained">
            {translate('ra.action.confirm')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
};

import TuneIcon from '@mui/icons-material/Tune';
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material';
import { useState } from 'react';
import { useCanAccess, useNotify } from 'react-admin';
import { callApi } from '../providers/consoleApi';

/** Admins set the largest adjustment a support agent may make at once (larger ones need an admin). */
export const AdjustmentLimitButton = () => {
  const notify = useNotify();
  const { canAccess } = useCanAccess({ action: 'edit', resource: 'credit-entries' });
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();

  if (!canAccess) return null;
  const openDialog = async () => {
    const current = await callApi<{ supportAdjustmentLimit: number }>('GET', '/admin/credit-settings');
    setValue(current.ok ? String(current.body.supportAdjustmentLimit) : '');
    setError(undefined);
    setOpen(true);
  };
  const save = async () => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) return setError('A whole number of credits, 0 or more.');
    const result = await callApi<{ supportAdjustmentLimit: number }>('PUT', '/admin/credit-settings', { supportAdjustmentLimit: n });
    if (!result.ok) return setError(result.fieldErrors?.supportAdjustmentLimit ?? result.message);
    notify(`Support agents may now adjust up to ${result.body.supportAdjustmentLimit} credits at a time.`, { type: 'success' });
    setOpen(false);
  };
  return (
    <>
      <Button size="small" startIcon={<TuneIcon />} onClick={() => void openDialog()}>
        Adjustment limit
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby="adjustment-limit-title">
        <DialogTitle id="adjustment-limit-title">Support agents’ adjustment limit</DialogTitle>
        <DialogContent>
          <DialogContentText sx={{ mb: 2 }}>The most credits a support agent may add or remove in one adjustment; larger adjustments need an admin.</DialogContentText>
          <TextField autoFocus fullWidth label="Credits per adjustment" value={value} onChange={(e) => setValue(e.target.value)} error={error !== undefined} helperText={error} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button variant="contained" onClick={() => void save()}>
            Save
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
};

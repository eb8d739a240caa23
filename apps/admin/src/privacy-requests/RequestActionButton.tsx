import { Button, Dialog, DialogActions, DialogContent, DialogTitle, MenuItem, TextField } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { HttpError, useCanAccess, useNotify, useRecordContext, useRefresh } from 'react-admin';
import { isApiErrorBody } from '../providers/apiErrors';
import { httpClient } from '../providers/httpClient';

export interface ActionField {
  name: string;
  label: string;
  choices?: Array<{ id: string; name: string }>;
  multiline?: boolean;
}

interface Props {
  /** The API verb: POST /admin/privacy-requests/:id/<verb>. */
  verb: string;
  label: string;
  /** The CASL action the route needs (approve, deny, extend, assign, fulfil, update). */
  action: string;
  /** The state-machine events (or pseudo-actions) that must be allowed for the button to show. */
  when: string;
  fields?: ActionField[];
  color?: 'primary' | 'error' | 'warning' | 'success';
  done: string;
}

/** One workflow action on a request, with a dialog when it needs input (reason, code, message). */
export const RequestActionButton = ({ verb, label, action, when, fields = [], color = 'primary', done }: Props) => {
  const record = useRecordContext();
  const notify = useNotify();
  const refresh = useRefresh();
  const { canAccess } = useCanAccess({ action, resource: 'privacy-requests', record });
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});

  const mutation = useMutation({
    mutationFn: (body: Record<string, string>) => httpClient(`/admin/privacy-requests/${encodeURIComponent(String(record?.id))}/${verb}`, { method: 'POST', body: JSON.stringify(body) }),
    onSuccess: () => {
      setOpen(false);
      setValues({});
      notify(done, { type: 'success' });
      refresh();
    },
    onError: (error: unknown) => {
      const body = error instanceof HttpError ? (error.body as unknown) : undefined;
      if (isApiErrorBody(body) && body.errors) setErrors(body.errors);
      else notify(error instanceof Error ? error.message : 'ra.notification.http_error', { type: 'error' });
    },
  });

  const allowed = Array.isArray(record?.allowedActions) && (record.allowedActions as string[]).includes(when);
  if (!record || !canAccess || !allowed) return null;
  const submit = () => mutation.mutate(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim()])));
  if (fields.length === 0)
    return (
      <Button size="small" color={color} onClick={submit} disabled={mutation.isPending}>
        {label}
      </Button>
    );
  return (
    <>
      <Button size="small" color={color} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Dialog open={open} onClose={() => !mutation.isPending && setOpen(false)} aria-labelledby={`pr-${verb}-title`} fullWidth maxWidth="sm">
        <DialogTitle id={`pr-${verb}-title`}>{label}</DialogTitle>
        <DialogContent>
          {fields.map((f) => (
            <TextField
              key={f.name}
              select={f.choices !== undefined}
              fullWidth
              margin="dense"
              multiline={f.multiline}
              minRows={f.multiline ? 3 : undefined}
              label={f.label}
              value={values[f.name] ?? ''}
              error={errors[f.name] !== undefined}
              helperText={errors[f.name]}
              onChange={(e) => {
                setValues({ ...values, [f.name]: e.target.value });
                setErrors({});
              }}
            >
              {f.choices?.map((c) => (
                <MenuItem key={c.id} value={c.id}>
                  {c.name}
                </MenuItem>
              ))}
            </TextField>
          ))}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button variant="contained" color={color} onClick={submit} disabled={mutation.isPending || fields.some((f) => !(values[f.name] ?? '').trim())}>
            {label}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
};

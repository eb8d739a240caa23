import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import VisibilityIcon from '@mui/icons-material/Visibility';
import { Alert, Box, Button, List as MuiList, ListItem, ListItemText, Typography } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useCanAccess, useNotify, useRecordContext, useRedirect } from 'react-admin';
import { callApi } from '../providers/consoleApi';

interface Preview {
  matched: number;
  wouldProcess: number;
  held: number;
  cutoff: string;
  heldExamples: Array<{ recordId: string; holdId: string; reason: string }>;
}

/** Dry run and run-now for one policy; the preview says what would go and what legal holds keep. */
export const PolicyActions = () => {
  const record = useRecordContext();
  const notify = useNotify();
  const redirect = useRedirect();
  const [preview, setPreview] = useState<Preview>();
  const { canAccess: canPreview } = useCanAccess({ action: 'preview', resource: 'retention-policies', record });
  const { canAccess: canRun } = useCanAccess({ action: 'run', resource: 'retention-policies', record });
  const id = encodeURIComponent(String(record?.id));
  const previewMutation = useMutation({
    mutationFn: () => callApi<Preview>('POST', `/admin/retention-policies/${id}/preview`),
    onSuccess: (r) => (r.ok ? setPreview(r.body) : notify(r.message, { type: 'error' })),
  });
  const runMutation = useMutation({
    mutationFn: () => callApi<{ id: string }>('POST', `/admin/retention-policies/${id}/run`),
    onSuccess: (r) => {
      if (!r.ok) return notify(r.message, { type: 'error' });
      notify('The sweep was queued; its progress shows on the run.', { type: 'info' });
      redirect('show', 'retention-runs', r.body.id);
    },
  });
  if (!record) return null;
  if (!record.sweepAvailable) return <Alert severity="info">No installed module sweeps this category yet.</Alert>;
  return (
    <Box sx={{ my: 2 }}>
      {canPreview && (
        <Button startIcon={<VisibilityIcon />} onClick={() => previewMutation.mutate()} disabled={previewMutation.isPending} sx={{ mr: 1 }}>
          Preview (dry run)
        </Button>
      )}
      {canRun && record.enabled && (
        <Button variant="contained" color="warning" startIcon={<PlayArrowIcon />} onClick={() => runMutation.mutate()} disabled={runMutation.isPending}>
          Run now
        </Button>
      )}
      {preview && (
        <Box role="status" aria-label="Preview result" sx={{ mt: 2 }}>
          <Typography>
            Due before {new Date(preview.cutoff).toLocaleString()}: <strong>{preview.matched}</strong> record(s); <strong>{preview.wouldProcess}</strong> would go now,{' '}
            <strong>{preview.held}</strong> kept by legal holds.
          </Typography>
          {preview.heldExamples.length > 0 && (
            <MuiList dense>
              {preview.heldExamples.map((e) => (
                <ListItem key={e.recordId}>
                  <ListItemText primary={e.reason} secondary={`record ${e.recordId} — hold ${e.holdId}`} />
                </ListItem>
              ))}
            </MuiList>
          )}
        </Box>
      )}
    </Box>
  );
};

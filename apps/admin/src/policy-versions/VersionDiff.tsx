import { Box, MenuItem, TextField, Typography } from '@mui/material';
import { diffLines } from 'diff';
import { useMemo, useState } from 'react';
import { useGetList, useRecordContext, useTranslate } from 'react-admin';

interface VersionRecord {
  id: string;
  version: string;
  body: string;
  status: string;
}

/** A line diff of this version's text against another version (added lines green, removed red). */
export const VersionDiff = () => {
  const record = useRecordContext<VersionRecord>();
  const translate = useTranslate();
  const { data } = useGetList<VersionRecord>('policy-versions', { pagination: { page: 1, perPage: 100 }, sort: { field: 'createdAt', order: 'DESC' } });
  const others = (data ?? []).filter((v) => v.id !== record?.id);
  const [otherId, setOtherId] = useState<string>('');
  const chosen = others.find((v) => v.id === otherId) ?? others.find((v) => v.status === 'published');
  const parts = useMemo(() => (record && chosen ? diffLines(chosen.body, record.body) : []), [record, chosen]);
  if (!record || others.length === 0) return null;
  return (
    <Box component="section" aria-labelledby="version-diff" sx={{ mt: 2 }}>
      <Typography id="version-diff" variant="h6" gutterBottom>
        {translate('soar2.policy.diff')}
      </Typography>
      <TextField select size="small" label={translate('soar2.policy.diff_pick')} value={chosen?.id ?? ''} onChange={(e) => setOtherId(e.target.value)} sx={{ minWidth: 200, mb: 1 }}>
        {others.map((v) => (
          <MenuItem key={v.id} value={v.id}>
            {v.version} ({v.status})
          </MenuItem>
        ))}
      </TextField>
      {parts.every((p) => !p.added && !p.removed) ? (
        <Typography variant="body2">{translate('soar2.policy.diff_none')}</Typography>
      ) : (
        <Box component="pre" data-testid="version-diff" sx={{ whiteSpace: 'pre-wrap', fontSize: 13, p: 1, border: 1, borderColor: 'divider', borderRadius: 1 }}>
          {parts.map((p, i) =>
            p.added ? (
              <Box component="ins" key={i} sx={{ display: 'block', bgcolor: 'success.light', textDecoration: 'none' }}>
                {p.value.replace(/^/gm, '+ ')}
              </Box>
            ) : p.removed ? (
              <Box component="del" key={i} sx={{ display: 'block', bgcolor: 'error.light' }}>
                {p.value.replace(/^/gm, '- ')}
              </Box>
            ) : (
              <Box component="span" key={i} sx={{ display: 'block', color: 'text.secondary' }}>
                {p.value.replace(/^/gm, '  ')}
              </Box>
            ),
          )}
        </Box>
      )}
    </Box>
  );
};

import DownloadIcon from '@mui/icons-material/Download';
import { Button, Stack } from '@mui/material';
import { useNotify, useRecordContext } from 'react-admin';
import { readSession } from '../providers/session';

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

/** The signed JSON (checked with npm run verify-certificate) and the PDF. */
export const CertificateDownloads = () => {
  const record = useRecordContext();
  const notify = useNotify();
  if (!record) return null;
  const id = String(record.id);
  const json = () => save(new Blob([JSON.stringify(record.document, null, 2)], { type: 'application/json' }), `deletion-certificate-${id}.json`);
  const pdf = async () => {
    try {
      const token = readSession()?.token;
      const res = await fetch(`/admin/deletion-certificates/${encodeURIComponent(id)}/pdf`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      if (!res.ok) throw new Error(`The PDF could not be downloaded (${res.status}).`);
      save(await res.blob(), `deletion-certificate-${id}.pdf`);
    } catch (err) {
      notify(err instanceof Error ? err.message : String(err), { type: 'error' });
    }
  };
  return (
    <Stack direction="row" spacing={1} sx={{ my: 1 }}>
      <Button startIcon={<DownloadIcon />} onClick={json}>
        Signed JSON
      </Button>
      <Button startIcon={<DownloadIcon />} onClick={() => void pdf()}>
        PDF
      </Button>
    </Stack>
  );
};

import { Box, Typography } from '@mui/material';
import { DateField, ReferenceField, Show, SimpleShowLayout, TextField, useRecordContext } from 'react-admin';
import { CertificateDownloads } from './CertificateDownloads';

interface Category {
  category: string;
  method: string;
  deleted: number;
  anonymised: number;
}
interface Retained {
  category: string;
  count: number;
  basis: string;
}

const CertificateBody = () => {
  const record = useRecordContext();
  const cert = (record?.document as { certificate?: { categories: Category[]; retained: Retained[]; systemsReached: string[]; dataKeyDestroyed: boolean } } | undefined)?.certificate;
  if (!cert) return null;
  return (
    <Box>
      <Typography variant="h6" component="h3">
        What was erased
      </Typography>
      <ul>
        {cert.categories.map((c) => (
          <li key={c.category}>
            {c.category}: {c.method} — {c.deleted} deleted, {c.anonymised} anonymised
          </li>
        ))}
      </ul>
      <Typography variant="h6" component="h3">
        What was kept, and why
      </Typography>
      {cert.retained.length === 0 ? (
        <Typography>Nothing.</Typography>
      ) : (
        <ul>
          {cert.retained.map((r) => (
            <li key={`${r.category}-${r.basis}`}>
              {r.category}: {r.count} — {r.basis}
            </li>
          ))}
        </ul>
      )}
      <Typography>Systems reached: {cert.systemsReached.join(', ')}</Typography>
      <Typography>Encryption key destroyed: {cert.dataKeyDestroyed ? 'yes' : 'no'}</Typography>
    </Box>
  );
};

/** A signed deletion certificate: it names no one (salted email hash only) and outlives the erasure. */
export const DeletionCertificateShow = () => (
  <Show>
    <SimpleShowLayout>
      <DateField source="issuedAt" showTime />
      <TextField source="subjectId" />
      <TextField source="subjectEmailHash" />
      <ReferenceField source="erasureId" reference="erasures" link="show" />
      <TextField source="requestId" emptyText="—" />
      <TextField source="keyFingerprint" />
      <CertificateBody />
      <CertificateDownloads />
    </SimpleShowLayout>
  </Show>
);

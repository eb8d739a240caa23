import LockOpenIcon from '@mui/icons-material/LockOpen';
import { DateField, Show, SimpleShowLayout, TextField, TopToolbar, useCanAccess, useRecordContext } from 'react-admin';
import { ReasonActionButton } from '../shared/ReasonActionButton';
import { LegalHoldActiveChip } from './LegalHoldActiveChip';

const ReleaseButton = () => {
  const record = useRecordContext();
  const { canAccess } = useCanAccess({ action: 'release', resource: 'legal-holds', record });
  if (!record || !canAccess || record.releasedAt) return null;
  return (
    <ReasonActionButton
      path={`/admin/legal-holds/${encodeURIComponent(String(record.id))}/release`}
      label="Release hold"
      title="Release this legal hold?"
      explanation="Deletions in its scope (retention sweeps, a waiting account erasure) may run again once it is released."
      done="The legal hold was released."
      icon={<LockOpenIcon />}
      color="warning"
    />
  );
};

export const LegalHoldShow = () => (
  <Show
    actions={
      <TopToolbar>
        <ReleaseButton />
      </TopToolbar>
    }
  >
    <SimpleShowLayout>
      <LegalHoldActiveChip />
      <TextField source="scopeType" />
      <TextField source="scopeId" />
      <TextField source="reason" />
      <TextField source="reference" emptyText="—" />
      <TextField source="requestedBy" />
      <DateField source="createdAt" showTime />
      <DateField source="expiresAt" showTime emptyText="No end date" />
      <DateField source="releasedAt" showTime emptyText="—" />
      <TextField source="releaseReason" emptyText="—" />
    </SimpleShowLayout>
  </Show>
);

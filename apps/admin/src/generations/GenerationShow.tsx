import { Box, Chip, Stack, Typography } from '@mui/material';
import {
  ArrayField,
  BooleanField,
  DataTable,
  DateField,
  FunctionField,
  NumberField,
  ReferenceField,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { LegalHoldBanner } from '../legal-holds';
import { GenerationActionButton } from './GenerationActionButton';

const GenerationShowActions = () => (
  <TopToolbar>
    <GenerationActionButton verb="refresh" />
    <GenerationActionButton verb="retry" />
    <GenerationActionButton verb="cancel" />
    <GenerationActionButton verb="refund" />
    <GenerationActionButton verb="recopy" />
    <GenerationActionButton verb="delete" />
  </TopToolbar>
);

const Section = ({ id, children }: { id: string; children: React.ReactNode }) => {
  const translate = useTranslate();
  return (
    <Box component="section" aria-labelledby={`generation-${id}`} sx={{ mt: 2 }}>
      <Typography id={`generation-${id}`} variant="h6" gutterBottom>
        {translate(`resources.generations.sections.${id}`)}
      </Typography>
      {children}
    </Box>
  );
};

const GenerationDetail = () => {
  const record = useRecordContext();
  if (!record) return null;
  return (
    <Box sx={{ p: 2 }}>
      <LegalHoldBanner />
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mt: 1 }}>
        <Typography variant="h5" component="h2">
          {String(record.model)} · {String(record.seconds)} s · {String(record.size)}
        </Typography>
        <Chip label={String(record.status)} color={record.status === 'completed' ? 'success' : record.status === 'failed' ? 'error' : 'default'} data-testid="generation-status" />
        {record.providerInfo && (record.providerInfo as { simulator?: boolean }).simulator ? <Chip label="LOCAL SIMULATOR" color="warning" size="small" /> : null}
      </Stack>
      <SimpleShowLayout sx={{ px: 0 }}>
        <ReferenceField source="userId" reference="users" link="show" emptyText="— (erased)">
          <TextField source="email" />
        </ReferenceField>
        <TextField source="prompt" component="pre" emptyText="— (erased: the owner's key was destroyed)" sx={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit' }} />
        <TextField source="style" emptyText="—" />
        <TextField source="kind" />
        <TextField source="sourceJobId" emptyText="—" />
        <NumberField source="progress" />
        <TextField source="stage" />
        <TextField source="provider" />
        <TextField source="providerVideoId" emptyText="—" />
        <FunctionField source="providerVideoIds" render={(r) => (Array.isArray(r.providerVideoIds) ? r.providerVideoIds.join(', ') : '')} />
        <TextField source="providerStatus" emptyText="—" />
        <TextField source="errorClass" emptyText="—" />
        <TextField source="errorCode" emptyText="—" />
        <TextField source="errorMessage" emptyText="—" />
        <TextField source="moderationReason" emptyText="—" />
        <FunctionField
          source="userCredits"
          render={(r) => (r.userCredits ? <span data-testid="user-credits">{`balance ${r.userCredits.balance} · held ${r.userCredits.held} · available ${r.userCredits.available}`}</span> : '—')}
        />
        <NumberField source="credits" />
        <TextField source="creditsOutcome" emptyText="held" />
        <FunctionField source="referenceImage" render={(r) => (r.referenceImage ? `${r.referenceImage.contentType} · stored: ${r.referenceImage.stored ? 'yes' : 'no'} · sha256 ${r.referenceImage.sha256}` : '—')} />
        <BooleanField source="video.stored" />
        <TextField source="video.sha256" emptyText="—" />
        <NumberField source="video.bytes" emptyText="—" />
        <BooleanField source="thumbnail.stored" />
        <DateField source="assetExpiresAt" showTime emptyText="—" />
        <DateField source="createdAt" showTime />
        <DateField source="startedAt" showTime emptyText="—" />
        <DateField source="completedAt" showTime emptyText="—" />
        <DateField source="deletedAt" showTime emptyText="—" />
        <FunctionField source="linkedTickets" render={(r) => (Array.isArray(r.linkedTickets) && r.linkedTickets.length > 0 ? r.linkedTickets.join(', ') : '—')} />
        <TextField source="id" />
      </SimpleShowLayout>
      <Section id="credits">
        <ArrayField source="creditEntries">
          <DataTable bulkActionButtons={false} rowClick={false}>
            <DataTable.Col source="createdAt" label="resources.generations.fields.createdAt">
              <DateField source="createdAt" showTime />
            </DataTable.Col>
            <DataTable.Col source="kind" label="resources.generations.fields.entryKind" />
            <DataTable.NumberCol source="amount" label="resources.generations.fields.amount" />
            <DataTable.NumberCol source="heldDelta" label="resources.generations.fields.heldDelta" />
            <DataTable.Col source="reason" label="resources.generations.fields.reason" />
          </DataTable>
        </ArrayField>
      </Section>
      <Section id="timeline">
        <ArrayField source="timeline">
          <DataTable bulkActionButtons={false} rowClick={false}>
            <DataTable.Col source="at" label="resources.generations.fields.at">
              <DateField source="at" showTime />
            </DataTable.Col>
            <DataTable.Col source="event" label="resources.generations.fields.event" />
            <DataTable.Col source="status" label="resources.generations.fields.status" />
            <DataTable.Col source="stage" label="resources.generations.fields.stage" />
            <DataTable.NumberCol source="progress" label="resources.generations.fields.progress" />
            <DataTable.Col source="actor" label="resources.generations.fields.actor" />
          </DataTable>
        </ArrayField>
      </Section>
    </Box>
  );
};

export const GenerationShow = () => (
  <Show actions={<GenerationShowActions />}>
    <GenerationDetail />
  </Show>
);

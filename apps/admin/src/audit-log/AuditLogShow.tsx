import { DateField, FunctionField, NumberField, Show, SimpleShowLayout, TextField, type RaRecord } from 'react-admin';

export const AuditLogShow = () => (
  <Show>
    <SimpleShowLayout>
      <NumberField source="sequence" />
      <DateField source="occurredAt" showTime />
      <TextField source="action" />
      <TextField source="actorType" />
      <TextField source="actorRole" emptyText="—" />
      <TextField source="actorId" emptyText="—" />
      <TextField source="subjectType" emptyText="—" />
      <TextField source="subjectId" emptyText="—" />
      <TextField source="requestId" emptyText="—" />
      <TextField source="ip" emptyText="—" />
      <FunctionField
        source="details"
        render={(entry: RaRecord) => (
          <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="audit-details">
            {JSON.stringify(entry.details, null, 2)}
          </pre>
        )}
      />
      <TextField source="prevHash" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }} />
      <TextField source="hash" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }} />
      <TextField source="id" />
    </SimpleShowLayout>
  </Show>
);

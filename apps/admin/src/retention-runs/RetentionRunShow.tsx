import { DateField, NumberField, ReferenceField, Show, SimpleShowLayout, TextField } from 'react-admin';
import { RunProgress } from './RunProgress';

/** One sweep, refreshed while it runs. */
export const RetentionRunShow = () => (
  <Show queryOptions={{ refetchInterval: (q) => (['queued', 'running'].includes(String(q.state.data?.status)) ? 1000 : false) }}>
    <SimpleShowLayout>
      <ReferenceField source="policyId" reference="retention-policies" link="show" />
      <TextField source="status" />
      <RunProgress />
      <TextField source="trigger" />
      <NumberField source="keepDays" />
      <DateField source="cutoff" showTime />
      <NumberField source="matched" />
      <NumberField source="deleted" />
      <NumberField source="anonymised" />
      <NumberField source="skippedOnHold" />
      <NumberField source="errors" />
      <NumberField source="batches" />
      <TextField source="lastError" emptyText="—" />
      <DateField source="startedAt" showTime emptyText="—" />
      <DateField source="finishedAt" showTime emptyText="—" />
      <NumberField source="durationMs" emptyText="—" />
    </SimpleShowLayout>
  </Show>
);

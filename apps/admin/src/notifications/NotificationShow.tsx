import { DateField, NumberField, Show, SimpleShowLayout, TextField } from 'react-admin';

export const NotificationShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="subject" />
      <TextField source="to" />
      <TextField source="kind" />
      <TextField source="class" />
      <TextField source="status" />
      <NumberField source="attempts" />
      <TextField source="lastError" emptyText="—" />
      <DateField source="createdAt" showTime />
      <DateField source="sentAt" showTime emptyText="—" />
      <DateField source="nextAttemptAt" showTime emptyText="—" />
      <TextField source="text" component="pre" sx={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit' }} />
      <TextField source="id" />
    </SimpleShowLayout>
  </Show>
);

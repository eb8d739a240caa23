import { BooleanField, DateField, ReferenceField, Show, SimpleShowLayout, TextField } from 'react-admin';

export const ConsentShow = () => (
  <Show>
    <SimpleShowLayout>
      <DateField source="recordedAt" showTime />
      <ReferenceField source="userId" reference="users" link="show" />
      <TextField source="purpose" />
      <BooleanField source="granted" />
      <TextField source="source" />
      <TextField source="policyVersion" emptyText="—" />
      <TextField source="reference" emptyText="—" />
      <TextField source="actorId" emptyText="—" />
      <TextField source="ip" emptyText="—" />
      <TextField source="userAgent" emptyText="—" />
      <TextField source="id" />
    </SimpleShowLayout>
  </Show>
);

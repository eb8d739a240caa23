import { DateField, SelectField, Show, SimpleShowLayout, TextField } from 'react-admin';
import { STAFF_ROLE_CHOICES } from './staffChoices';

export const StaffShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="displayName" />
      <TextField source="email" />
      <SelectField source="role" choices={STAFF_ROLE_CHOICES} />
      <TextField source="status" />
      <DateField source="lastLoginAt" showTime emptyText="—" />
      <DateField source="createdAt" showTime />
      <TextField source="id" />
    </SimpleShowLayout>
  </Show>
);

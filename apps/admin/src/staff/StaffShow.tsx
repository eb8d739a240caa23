import { BooleanField, DateField, EditButton, NumberField, SelectField, Show, SimpleShowLayout, TextField, TopToolbar } from 'react-admin';
import { StaffActionButtons } from './StaffActionButtons';
import { STAFF_ROLE_CHOICES, STAFF_STATUS_CHOICES } from './staffChoices';

const ShowActions = () => (
  <TopToolbar>
    <StaffActionButtons />
    <EditButton />
  </TopToolbar>
);

export const StaffShow = () => (
  <Show actions={<ShowActions />}>
    <SimpleShowLayout>
      <TextField source="displayName" />
      <TextField source="email" />
      <SelectField source="role" choices={STAFF_ROLE_CHOICES} />
      <SelectField source="status" choices={STAFF_STATUS_CHOICES} />
      <BooleanField source="passwordSet" looseValue />
      <BooleanField source="totpEnabled" looseValue />
      <BooleanField source="locked" looseValue />
      <NumberField source="failedLoginCount" />
      <DateField source="lastLoginAt" showTime emptyText="—" />
      <DateField source="passwordChangedAt" showTime emptyText="—" />
      <DateField source="createdAt" showTime />
      <TextField source="id" />
    </SimpleShowLayout>
  </Show>
);

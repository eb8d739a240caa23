import { DateTimeInput, Edit, SimpleForm, TextInput } from 'react-admin';

/** Extending (or shortening) a hold, or rewording it; audited with before and after. */
export const LegalHoldEdit = () => (
  <Edit mutationMode="pessimistic" redirect="show" transform={(data: Record<string, unknown>) => ({ reason: data.reason, expiresAt: data.expiresAt || null })}>
    <SimpleForm>
      <TextInput source="reason" multiline minRows={2} fullWidth />
      <DateTimeInput source="expiresAt" helperText="Empty: no end date" />
    </SimpleForm>
  </Edit>
);

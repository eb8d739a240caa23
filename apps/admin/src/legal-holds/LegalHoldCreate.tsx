import { Create, DateTimeInput, SelectInput, SimpleForm, TextInput, required } from 'react-admin';
import { LEGAL_HOLD_SCOPE_CHOICES } from './legalHoldChoices';

/** Placing a hold: scope, why, who asked; the API checks the record exists and audits the hold. */
export const LegalHoldCreate = () => (
  <Create redirect="show">
    <SimpleForm>
      <SelectInput source="scopeType" choices={LEGAL_HOLD_SCOPE_CHOICES} validate={required()} />
      <TextInput source="scopeId" label="User, ticket or job id" validate={required()} fullWidth />
      <TextInput source="reason" multiline minRows={2} validate={required()} fullWidth />
      <TextInput source="requestedBy" validate={required()} helperText="Counsel, authority or department that asked for it" />
      <TextInput source="reference" helperText="Case or matter reference (optional)" />
      <DateTimeInput source="expiresAt" helperText="Leave empty for a hold without an end date" />
    </SimpleForm>
  </Create>
);

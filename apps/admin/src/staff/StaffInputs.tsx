import { Typography } from '@mui/material';
import { SelectInput, TextInput, email, maxLength, required, useCanAccess, useRecordContext, useTranslate } from 'react-admin';
import { STAFF_ROLE_CHOICES, STAFF_STATUS_CHOICES } from './staffChoices';

/**
 * The fields of StaffCreate and StaffEdit. On an existing record, role and status are offered only
 * when the caller's rules allow changing those fields on that record: an admin's own record shows
 * neither (the API refuses such a change anyway).
 */
export const StaffInputs = ({ mode }: { mode: 'create' | 'edit' }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const role = useCanAccess({ action: 'edit', resource: 'staff.role', record, enabled: mode === 'edit' && record !== undefined });
  const status = useCanAccess({ action: 'edit', resource: 'staff.status', record, enabled: mode === 'edit' && record !== undefined });
  const ownRecordLocked = mode === 'edit' && role.isSuccess && status.isSuccess && !role.canAccess && !status.canAccess;
  return (
    <>
      {mode === 'create' ? (
        <TextInput source="email" type="email" validate={[required(), email()]} helperText="soar2.staff.email_helper" />
      ) : (
        <TextInput source="email" disabled helperText={false} />
      )}
      <TextInput source="displayName" validate={[required(), maxLength(80)]} />
      {(mode === 'create' || role.canAccess) && <SelectInput source="role" choices={STAFF_ROLE_CHOICES} validate={required()} />}
      {mode === 'edit' && status.canAccess && <SelectInput source="status" choices={STAFF_STATUS_CHOICES} validate={required()} />}
      {ownRecordLocked && (
        <Typography variant="body2" color="text.secondary" data-testid="own-record-note">
          {translate('soar2.staff.own_record')}
        </Typography>
      )}
    </>
  );
};

import { Create, SimpleForm, useNotify, useRedirect } from 'react-admin';
import { StaffInputs } from './StaffInputs';

/** Invites a member: the API emails them a single-use link to choose their password. */
export const StaffCreate = () => {
  const notify = useNotify();
  const redirect = useRedirect();
  return (
    <Create
      mutationOptions={{
        onSuccess: (data: { id: string }) => {
          notify('soar2.staff.invited', { type: 'success' });
          redirect('show', 'staff', data.id);
        },
      }}
    >
      <SimpleForm>
        <StaffInputs mode="create" />
      </SimpleForm>
    </Create>
  );
};

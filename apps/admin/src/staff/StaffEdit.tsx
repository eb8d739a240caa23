import { Edit, SaveButton, ShowButton, SimpleForm, Toolbar, TopToolbar, type RaRecord } from 'react-admin';
import { StaffActionButtons } from './StaffActionButtons';
import { StaffInputs } from './StaffInputs';

/** Only the editable fields are sent; the API treats an unchanged role or status as no change. */
const editableFields = (data: RaRecord) => {
  const { displayName, role, status } = data as RaRecord & { displayName?: string; role?: string; status?: string };
  return { displayName, role, status };
};

const EditActions = () => (
  <TopToolbar>
    <StaffActionButtons />
    <ShowButton />
  </TopToolbar>
);

// No delete button: staff accounts are disabled, never deleted (audit entries name them by id).
const SaveOnlyToolbar = () => (
  <Toolbar>
    <SaveButton />
  </Toolbar>
);

export const StaffEdit = () => (
  <Edit mutationMode="pessimistic" transform={editableFields} actions={<EditActions />}>
    <SimpleForm toolbar={<SaveOnlyToolbar />}>
      <StaffInputs mode="edit" />
    </SimpleForm>
  </Edit>
);

import { Edit, SimpleForm } from 'react-admin';
import { MacroInputs } from './MacroInputs';

// Only the editable fields go to the API (it refuses unknown fields such as id or createdAt).
const editable = (data: Record<string, unknown>) => ({ title: data.title, body: data.body, category: data.category ?? null });

export const MacroEdit = () => (
  <Edit mutationMode="pessimistic" transform={editable} redirect="list">
    <SimpleForm>
      <MacroInputs />
    </SimpleForm>
  </Edit>
);

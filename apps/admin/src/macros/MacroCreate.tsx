import { Create, SimpleForm } from 'react-admin';
import { MacroInputs } from './MacroInputs';

export const MacroCreate = () => (
  <Create redirect="list">
    <SimpleForm>
      <MacroInputs />
    </SimpleForm>
  </Create>
);

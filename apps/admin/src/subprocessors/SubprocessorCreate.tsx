import { BooleanInput, Create, SimpleForm } from 'react-admin';
import { SubprocessorInputs, withoutBlankCategories } from './SubprocessorInputs';

export const SubprocessorCreate = () => (
  <Create redirect="show" transform={withoutBlankCategories}>
    <SimpleForm defaultValues={{ notify: false, dataCategories: [] }}>
      <SubprocessorInputs />
      <BooleanInput source="notify" />
    </SimpleForm>
  </Create>
);

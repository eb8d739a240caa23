import { Edit, SimpleForm } from 'react-admin';
import { SubprocessorInputs, withoutBlankCategories } from './SubprocessorInputs';

export const SubprocessorEdit = () => (
  <Edit mutationMode="pessimistic" redirect="show" transform={withoutBlankCategories}>
    <SimpleForm>
      <SubprocessorInputs />
    </SimpleForm>
  </Edit>
);

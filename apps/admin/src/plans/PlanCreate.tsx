import { Create, SimpleForm } from 'react-admin';
import { PlanInputs } from './PlanInputs';

export const PlanCreate = () => (
  <Create redirect="list">
    <SimpleForm>
      <PlanInputs />
    </SimpleForm>
  </Create>
);

import { Edit, SimpleForm } from 'react-admin';
import { PlanInputs } from './PlanInputs';

/** Deleting a plan someone subscribed to deactivates it instead (the API decides). */
export const PlanEdit = () => (
  <Edit mutationMode="pessimistic" redirect="list">
    <SimpleForm>
      <PlanInputs />
    </SimpleForm>
  </Edit>
);

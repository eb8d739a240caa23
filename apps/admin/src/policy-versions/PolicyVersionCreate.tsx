import { Create, SimpleForm } from 'react-admin';
import { PolicyVersionInputs } from './PolicyVersionInputs';

export const PolicyVersionCreate = () => (
  <Create redirect="show">
    <SimpleForm defaultValues={{ title: 'Privacy Policy', significant: false }}>
      <PolicyVersionInputs />
    </SimpleForm>
  </Create>
);

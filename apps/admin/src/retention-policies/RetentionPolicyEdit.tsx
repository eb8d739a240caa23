import { BooleanInput, Edit, NumberInput, SimpleForm, TextInput, maxValue, minValue, required } from 'react-admin';

/** Privacy officers tune a policy; every change is audited with before and after. */
export const RetentionPolicyEdit = () => (
  <Edit
    mutationMode="pessimistic"
    redirect="show"
    transform={(d: Record<string, unknown>) => ({ keepDays: d.keepDays, enabled: d.enabled, description: d.description, legalBasis: d.legalBasis })}
  >
    <SimpleForm>
      <NumberInput source="keepDays" min={0} max={36500} step={1} validate={[required(), minValue(0), maxValue(36500)]} />
      <BooleanInput source="enabled" />
      <TextInput source="description" fullWidth />
      <TextInput source="legalBasis" fullWidth />
    </SimpleForm>
  </Edit>
);

import { BooleanInput, DateTimeInput, TextInput, required } from 'react-admin';

/** The fields of a draft; the effective date may be left empty until publication. */
export const PolicyVersionInputs = () => (
  <>
    <TextInput source="version" validate={required()} helperText="e.g. 2.0 or 2026-12" />
    <TextInput source="title" validate={required()} fullWidth />
    <TextInput source="summaryOfChanges" multiline minRows={2} fullWidth />
    <BooleanInput source="significant" />
    <DateTimeInput source="effectiveAt" />
    <TextInput source="body" validate={required()} multiline minRows={12} fullWidth />
  </>
);

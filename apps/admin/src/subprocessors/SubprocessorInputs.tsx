import { DateInput, TextInput, required } from 'react-admin';

/** One category per line; blank lines are dropped on save (see `withoutBlankCategories`). */
const toLines = (v: unknown): string => (Array.isArray(v) ? v.join('\n') : typeof v === 'string' ? v : '');
const fromLines = (v: string): string[] => v.split('\n');

export function withoutBlankCategories<T extends { dataCategories?: unknown }>(data: T): T {
  const c = Array.isArray(data.dataCategories) ? (data.dataCategories as unknown[]).map((x) => String(x).trim()).filter(Boolean) : [];
  return { ...data, dataCategories: c };
}

export const SubprocessorInputs = () => (
  <>
    <TextInput source="name" validate={required()} />
    <TextInput source="purpose" validate={required()} fullWidth />
    <TextInput source="location" validate={required()} />
    <DateInput source="agreementDate" />
    <TextInput source="privacyContactEmail" type="email" label="Privacy contact email" helperText="Where corrections, erasures and restrictions are notified (GDPR Art. 19); empty: an officer notifies through the DPA channel." fullWidth />
    <TextInput source="dataCategories" multiline minRows={3} format={toLines} parse={fromLines} fullWidth />
  </>
);

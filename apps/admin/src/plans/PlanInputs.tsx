import { BooleanInput, NumberInput, SelectInput, TextInput, maxLength, minValue, number, regex, required } from 'react-admin';

export const RETENTION_CLASS_CHOICES = [
  { id: 'free', name: 'Free (videos kept 30 days)' },
  { id: 'standard', name: 'Standard (while subscribed + 30 days)' },
  { id: 'extended', name: 'Extended (while subscribed + 90 days)' },
];

const wholeNumber = (value: unknown) => (value === undefined || value === null || value === '' || Number.isInteger(Number(value)) ? undefined : 'Must be a whole number');

/** The fields of a plan; the API validates again and answers 422 with a message per field. */
export const PlanInputs = () => (
  <>
    <TextInput source="name" label="Name" validate={[required(), maxLength(100)]} />
    <TextInput source="description" label="Description" multiline validate={maxLength(1000)} />
    <NumberInput source="monthlyCredits" label="Monthly credits" step={1} validate={[required(), number(), minValue(1), wholeNumber]} />
    <TextInput source="stripePriceId" label="Stripe price id" helperText="price_… from the Stripe dashboard; empty: not purchasable" validate={regex(/^price_[A-Za-z0-9_]+$/, 'Must look like price_…')} parse={(v: string) => (v === '' ? null : v)} />
    <SelectInput source="retentionClass" label="Video retention" choices={RETENTION_CLASS_CHOICES} defaultValue="standard" validate={required()} />
    <NumberInput source="sortOrder" label="Display order" step={1} defaultValue={0} validate={wholeNumber} />
    <BooleanInput source="active" label="Active (offered to users)" defaultValue />
  </>
);

import { SelectInput, TextInput, maxLength, required } from 'react-admin';
import { TICKET_CATEGORY_CHOICES } from '../tickets/ticketChoices';

/** Title, text (plain; placeholders are typed by the agent) and the category it fits, if any. */
export const MacroInputs = () => (
  <>
    <TextInput source="title" validate={[required(), maxLength(120)]} fullWidth />
    <TextInput source="body" validate={[required(), maxLength(20000)]} multiline minRows={6} fullWidth />
    <SelectInput source="category" choices={TICKET_CATEGORY_CHOICES} emptyText="—" parse={(v: string) => (v === '' ? null : v)} />
  </>
);

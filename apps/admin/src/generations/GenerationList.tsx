import { DataTable, DateField, DateInput, List, NumberField, SelectInput, TextInput } from 'react-admin';
import { UnderHoldChip } from '../legal-holds';
import { GENERATION_ERROR_CLASS_CHOICES, GENERATION_MODEL_CHOICES, GENERATION_STATUS_CHOICES } from './generationChoices';
import { ProviderBanner } from './ProviderBanner';

const generationFilters = [
  <TextInput key="email" source="email" label="resources.generations.fields.userEmail" alwaysOn />,
  <SelectInput key="status" source="status" choices={GENERATION_STATUS_CHOICES} alwaysOn />,
  <SelectInput key="errorClass" source="errorClass" choices={GENERATION_ERROR_CLASS_CHOICES} alwaysOn />,
  <SelectInput key="model" source="model" choices={GENERATION_MODEL_CHOICES} />,
  <DateInput key="createdFrom" source="createdFrom" />,
  <DateInput key="createdBefore" source="createdBefore" />,
];

export const GenerationList = () => (
  <List filters={generationFilters} sort={{ field: 'createdAt', order: 'DESC' }} aside={undefined} title="resources.generations.name">
    <ProviderBanner />
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="createdAt" field={DateField} />
      <DataTable.Col source="underHold" label="resources.legal-holds.banner.column" disableSort render={() => <UnderHoldChip />} />
      <DataTable.Col source="userEmail" />
      <DataTable.Col source="model" />
      <DataTable.NumberCol source="seconds" />
      <DataTable.Col source="size" />
      <DataTable.Col source="status" />
      <DataTable.Col source="errorClass" />
      <DataTable.NumberCol source="credits" field={NumberField} />
      <DataTable.Col source="creditsOutcome" />
    </DataTable>
  </List>
);

import { DataTable, DateField, List, SelectInput, TextInput } from 'react-admin';
import { PACKAGE_STATE_CHOICES } from './packageProgress';

const packageFilters = [
  <SelectInput key="state" source="state" choices={PACKAGE_STATE_CHOICES} alwaysOn />,
  <TextInput key="requestId" source="requestId" />,
  <TextInput key="userId" source="userId" />,
];

export const PrivacyPackageList = () => (
  <List filters={packageFilters} sort={{ field: 'createdAt', order: 'DESC' }}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="createdAt" field={DateField} />
      <DataTable.Col source="format" />
      <DataTable.Col source="state" />
      <DataTable.NumberCol source="progress.categoriesDone" />
      <DataTable.NumberCol source="progress.categoriesTotal" />
      <DataTable.NumberCol source="attempts" />
      <DataTable.Col source="readyAt" field={DateField} />
    </DataTable>
  </List>
);

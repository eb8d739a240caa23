import { BooleanField, DataTable, DateField, List, SelectInput } from 'react-admin';

const filters = [
  <SelectInput
    key="status"
    source="status"
    choices={[
      { id: 'draft', name: 'Draft' },
      { id: 'published', name: 'Published' },
    ]}
    alwaysOn
  />,
];

export const PolicyVersionList = () => (
  <List filters={filters} sort={{ field: 'createdAt', order: 'DESC' }}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="version" />
      <DataTable.Col source="title" />
      <DataTable.Col source="status" />
      <DataTable.Col source="significant" field={BooleanField} />
      <DataTable.Col source="effectiveAt" field={DateField} />
      <DataTable.Col source="lastUpdated" />
      <DataTable.Col source="createdAt" field={DateField} />
    </DataTable>
  </List>
);

import { DataTable, List, TextField, TextInput } from 'react-admin';

const filters = [<TextInput key="q" source="q" alwaysOn />];

export const SubprocessorList = () => (
  <List filters={filters} sort={{ field: 'name', order: 'ASC' }}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="name" />
      <DataTable.Col source="purpose" />
      <DataTable.Col source="dataCategories" render={(r: { dataCategories?: string[] }) => (r.dataCategories ?? []).join(', ')} />
      <DataTable.Col source="location" />
      <DataTable.Col source="agreementDate">
        <TextField source="agreementDate" emptyText="—" />
      </DataTable.Col>
    </DataTable>
  </List>
);

import { DataTable, DateField, List, SelectInput } from 'react-admin';

const STATUS = ['scheduled', 'waiting_on_hold', 'running', 'completed', 'canceled', 'failed'].map((id) => ({ id, name: id.replace(/_/g, ' ') }));
const filters = [<SelectInput key="status" source="status" choices={STATUS} alwaysOn />];

export const ErasureList = () => (
  <List filters={filters} sort={{ field: 'createdAt', order: 'DESC' }}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="createdAt" field={DateField} />
      <DataTable.Col source="userId" />
      <DataTable.Col source="status" />
      <DataTable.Col source="runAfter" field={DateField} />
      <DataTable.Col source="child" />
      <DataTable.Col source="holdReason" />
    </DataTable>
  </List>
);

import { BooleanField, DataTable, DateField, List } from 'react-admin';

export const RetentionPolicyList = () => (
  <List sort={{ field: 'category', order: 'ASC' }} pagination={false} perPage={50}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="category" />
      <DataTable.Col source="description" />
      <DataTable.NumberCol source="keepDays" />
      <DataTable.Col source="action" />
      <DataTable.Col source="enabled" field={BooleanField} />
      <DataTable.Col source="sweepAvailable" field={BooleanField} />
      <DataTable.Col source="lastRunAt" field={DateField} />
    </DataTable>
  </List>
);

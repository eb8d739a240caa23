import { BooleanField, DataTable, List, NumberField, SelectField } from 'react-admin';
import { RETENTION_CLASS_CHOICES } from './PlanInputs';

export const PlanList = () => (
  <List sort={{ field: 'sortOrder', order: 'ASC' }} exporter={false}>
    <DataTable rowClick="edit" bulkActionButtons={false}>
      <DataTable.Col source="name" label="Name" />
      <DataTable.NumberCol source="monthlyCredits" label="Monthly credits" field={NumberField} />
      <DataTable.Col source="stripePriceId" label="Stripe price" />
      <DataTable.Col source="retentionClass" label="Video retention">
        <SelectField source="retentionClass" choices={RETENTION_CLASS_CHOICES} />
      </DataTable.Col>
      <DataTable.Col source="active" label="Active" field={BooleanField} />
      <DataTable.NumberCol source="sortOrder" label="Order" />
    </DataTable>
  </List>
);

import { DataTable, DateField, List, SearchInput, SelectField, SelectInput } from 'react-admin';
import { STAFF_ROLE_CHOICES, STAFF_STATUS_CHOICES } from './staffChoices';

const staffFilters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <SelectInput key="role" source="role" choices={STAFF_ROLE_CHOICES} />,
  <SelectInput key="status" source="status" choices={STAFF_STATUS_CHOICES} />,
];

export const StaffList = () => (
  <List filters={staffFilters} sort={{ field: 'createdAt', order: 'ASC' }}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="displayName" />
      <DataTable.Col source="email" />
      <DataTable.Col source="role">
        <SelectField source="role" choices={STAFF_ROLE_CHOICES} />
      </DataTable.Col>
      <DataTable.Col source="status" />
      <DataTable.Col source="lastLoginAt" field={DateField} />
      <DataTable.Col source="createdAt" field={DateField} />
    </DataTable>
  </List>
);

import { BooleanField, CreateButton, DataTable, DateField, ExportButton, FilterButton, List, SearchInput, SelectField, SelectInput, TopToolbar } from 'react-admin';
import { STAFF_ROLE_CHOICES, STAFF_STATUS_CHOICES } from './staffChoices';

const staffFilters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <SelectInput key="role" source="role" choices={STAFF_ROLE_CHOICES} />,
  <SelectInput key="status" source="status" choices={STAFF_STATUS_CHOICES} />,
];

const ListActions = () => (
  <TopToolbar>
    <FilterButton />
    <CreateButton label="soar2.staff.invite" />
    <ExportButton />
  </TopToolbar>
);

export const StaffList = () => (
  <List filters={staffFilters} sort={{ field: 'createdAt', order: 'ASC' }} actions={<ListActions />}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="displayName" />
      <DataTable.Col source="email" />
      <DataTable.Col source="role">
        <SelectField source="role" choices={STAFF_ROLE_CHOICES} />
      </DataTable.Col>
      <DataTable.Col source="status">
        <SelectField source="status" choices={STAFF_STATUS_CHOICES} />
      </DataTable.Col>
      <DataTable.Col source="totpEnabled" disableSort>
        <BooleanField source="totpEnabled" looseValue />
      </DataTable.Col>
      <DataTable.Col source="lastLoginAt" field={DateField} />
      <DataTable.Col source="createdAt" field={DateField} />
    </DataTable>
  </List>
);

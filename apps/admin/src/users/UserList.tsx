import { DataTable, DateField, List, SearchInput, SelectInput, TextInput } from 'react-admin';
import { UserStatusChip } from './UserStatusChip';
import { USER_STATUS_CHOICES } from './userChoices';

const userFilters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Email or name" />,
  <SelectInput key="status" source="status" choices={USER_STATUS_CHOICES} alwaysOn />,
  <TextInput key="region" source="region" alwaysOn />,
];

// No export button: a bulk download of addresses is not something the console offers.
export const UserList = () => (
  <List filters={userFilters} sort={{ field: 'createdAt', order: 'DESC' }} exporter={false}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="email" />
      <DataTable.Col source="displayName" />
      <DataTable.Col source="region" />
      <DataTable.Col source="status">
        <UserStatusChip />
      </DataTable.Col>
      <DataTable.Col source="createdAt" field={DateField} />
    </DataTable>
  </List>
);

import { DataTable, DateField, List, SelectInput } from 'react-admin';
import { NOTIFICATION_CLASS_CHOICES, NOTIFICATION_STATUS_CHOICES } from './notificationChoices';

const notificationFilters = [
  <SelectInput key="status" source="status" choices={NOTIFICATION_STATUS_CHOICES} alwaysOn />,
  <SelectInput key="class" source="class" choices={NOTIFICATION_CLASS_CHOICES} alwaysOn />,
];

export const NotificationList = () => (
  <List filters={notificationFilters} sort={{ field: 'createdAt', order: 'DESC' }}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="createdAt" field={DateField} />
      <DataTable.Col source="to" />
      <DataTable.Col source="subject" />
      <DataTable.Col source="kind" />
      <DataTable.Col source="class" />
      <DataTable.Col source="status" />
      <DataTable.NumberCol source="attempts" />
      <DataTable.Col source="sentAt" field={DateField} />
    </DataTable>
  </List>
);

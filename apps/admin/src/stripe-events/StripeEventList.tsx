import { BooleanField, BooleanInput, DataTable, DateField, List, NumberField, ReferenceField, SelectInput, TextInput } from 'react-admin';
import { StripeLink } from '../subscriptions/StripeLink';
import { ReprocessButton } from './ReprocessButton';

export const STRIPE_EVENT_OUTCOME_CHOICES = ['received', 'processed', 'ignored', 'unknown_customer', 'failed'].map((id) => ({ id, name: id }));

const filters = [
  <SelectInput key="outcome" source="outcome" label="Outcome" choices={STRIPE_EVENT_OUTCOME_CHOICES} alwaysOn />,
  <BooleanInput key="flagged" source="flagged" label="Flagged for support" />,
  <TextInput key="type" source="type" label="Type" />,
];

/** Every signed Stripe webhook event received: type, times, outcome; admins can re-process one. */
export const StripeEventList = () => (
  <List filters={filters} sort={{ field: 'receivedAt', order: 'DESC' }} exporter={false}>
    <DataTable rowClick={false} bulkActionButtons={false}>
      <DataTable.Col source="id" label="Event">
        <StripeLink source="id" />
      </DataTable.Col>
      <DataTable.Col source="type" label="Type" />
      <DataTable.Col source="receivedAt" label="Received">
        <DateField source="receivedAt" showTime />
      </DataTable.Col>
      <DataTable.Col source="processedAt" label="Processed">
        <DateField source="processedAt" showTime emptyText="—" />
      </DataTable.Col>
      <DataTable.Col source="outcome" label="Outcome" />
      <DataTable.Col source="detail" label="Detail" />
      <DataTable.Col source="flagged" label="Flagged" field={BooleanField} />
      <DataTable.NumberCol source="deliveries" label="Deliveries" field={NumberField} />
      <DataTable.Col source="userId" label="User">
        <ReferenceField source="userId" reference="users" link="show" emptyText="—" />
      </DataTable.Col>
      <DataTable.Col label="" disableSort>
        <ReprocessButton />
      </DataTable.Col>
    </DataTable>
  </List>
);

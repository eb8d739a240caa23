import { BooleanField, DataTable, DateField, List, ReferenceField, SelectInput, TextInput } from 'react-admin';
import { StripeLink } from './StripeLink';

export const SUBSCRIPTION_STATUS_CHOICES = ['incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused'].map((id) => ({ id, name: id }));

const filters = [<SelectInput key="status" source="status" label="Status" choices={SUBSCRIPTION_STATUS_CHOICES} alwaysOn />, <TextInput key="userId" source="userId" label="User id" />];

export const SubscriptionList = () => (
  <List filters={filters} sort={{ field: 'updatedAt', order: 'DESC' }} exporter={false}>
    <DataTable rowClick={false} bulkActionButtons={false}>
      <DataTable.Col source="userId" label="User">
        <ReferenceField source="userId" reference="users" link="show" emptyText="(erased)" />
      </DataTable.Col>
      <DataTable.Col source="planName" label="Plan" />
      <DataTable.Col source="status" label="Status" />
      <DataTable.Col source="currentPeriodStart" label="Period start" field={DateField} />
      <DataTable.Col source="currentPeriodEnd" label="Period end" field={DateField} />
      <DataTable.Col source="cancelAtPeriodEnd" label="Cancels at period end" field={BooleanField} />
      <DataTable.Col source="stripeSubscriptionId" label="Stripe subscription">
        <StripeLink source="stripeSubscriptionId" />
      </DataTable.Col>
      <DataTable.Col source="stripeCustomerId" label="Stripe customer">
        <StripeLink source="stripeCustomerId" />
      </DataTable.Col>
      <DataTable.Col source="updatedAt" label="Updated">
        <DateField source="updatedAt" showTime />
      </DataTable.Col>
    </DataTable>
  </List>
);

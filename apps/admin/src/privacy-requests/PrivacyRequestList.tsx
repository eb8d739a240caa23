import { BooleanInput, DataTable, DateField, List, SearchInput, SelectInput, TextField, TextInput } from 'react-admin';
import { DeadlineFlags } from './DeadlineFlags';
import { REGIME_CHOICES, REQUEST_STATUS_CHOICES, REQUEST_TYPE_CHOICES } from './privacyRequestChoices';

const filters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Email or reference" />,
  <SelectInput key="type" source="type" choices={REQUEST_TYPE_CHOICES} alwaysOn />,
  <SelectInput key="regime" source="regime" choices={REGIME_CHOICES} alwaysOn />,
  <SelectInput key="status" source="status" choices={REQUEST_STATUS_CHOICES} alwaysOn />,
  <TextInput key="assigneeId" source="assigneeId" label="Assignee id (or none)" />,
  <BooleanInput key="overdue" source="overdue" label="Overdue only" />,
  <BooleanInput key="open" source="open" label="Open only" />,
  <BooleanInput key="awaitingOfficer" source="awaitingOfficer" label="Awaiting officer only" />,
];

/** The privacy officer's queue: earliest deadline first. */
export const PrivacyRequestList = () => (
  <List filters={filters} sort={{ field: 'dueAt', order: 'ASC' }} exporter={false}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="type" />
      <DataTable.Col source="status" />
      <DataTable.Col source="regimes" disableSort render={(r: { regimes?: string[] }) => (r.regimes ?? []).join(', ').toUpperCase()} />
      <DataTable.Col source="email" disableSort field={TextField} />
      <DataTable.Col source="receivedAt" field={DateField} />
      <DataTable.Col source="dueAt" field={DateField} />
      <DataTable.Col source="daysLeft" label="Days left" disableSort>
        <DeadlineFlags />
      </DataTable.Col>
      <DataTable.Col source="awaitingOfficerSince" label="Requester waiting since" field={DateField} />
      <DataTable.Col source="assigneeId" label="Assigned" disableSort render={(r: { assigneeId?: string | null }) => (r.assigneeId ? 'yes' : '—')} />
    </DataTable>
  </List>
);

import { BooleanInput, DataTable, DateField, List, SelectInput, TextInput } from 'react-admin';
import { LegalHoldActiveChip } from './LegalHoldActiveChip';
import { LEGAL_HOLD_SCOPE_CHOICES } from './legalHoldChoices';

const filters = [
  <BooleanInput key="active" source="active" alwaysOn />,
  <SelectInput key="scopeType" source="scopeType" choices={LEGAL_HOLD_SCOPE_CHOICES} alwaysOn />,
  <TextInput key="userId" source="userId" label="User id" />,
];

export const LegalHoldList = () => (
  <List filters={filters} filterDefaultValues={{ active: true }} sort={{ field: 'createdAt', order: 'DESC' }}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col label="State" render={() => <LegalHoldActiveChip />} />
      <DataTable.Col source="scopeType" />
      <DataTable.Col source="scopeId" />
      <DataTable.Col source="reason" />
      <DataTable.Col source="requestedBy" />
      <DataTable.Col source="createdAt" field={DateField} />
      <DataTable.Col source="expiresAt" field={DateField} />
    </DataTable>
  </List>
);

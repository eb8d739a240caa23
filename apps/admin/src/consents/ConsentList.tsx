import { BooleanField, DataTable, DateField, List, ReferenceField, SelectInput, TextInput } from 'react-admin';
import { CONSENT_PURPOSE_CHOICES, CONSENT_SOURCE_CHOICES } from './consentChoices';

const consentFilters = [
  <TextInput key="userId" source="userId" />,
  <SelectInput key="purpose" source="purpose" choices={CONSENT_PURPOSE_CHOICES} alwaysOn />,
  <SelectInput key="source" source="source" choices={CONSENT_SOURCE_CHOICES} alwaysOn />,
];

/** The consent ledger, newest first: every grant and withdrawal, never changed. */
export const ConsentList = () => (
  <List filters={consentFilters} sort={{ field: 'recordedAt', order: 'DESC' }}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="recordedAt" field={DateField} />
      <DataTable.Col source="userId">
        <ReferenceField source="userId" reference="users" link="show" />
      </DataTable.Col>
      <DataTable.Col source="purpose" />
      <DataTable.Col source="granted" field={BooleanField} />
      <DataTable.Col source="source" />
      <DataTable.Col source="policyVersion" />
    </DataTable>
  </List>
);

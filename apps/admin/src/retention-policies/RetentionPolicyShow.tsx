import { Typography } from '@mui/material';
import { BooleanField, DataTable, DateField, EditButton, NumberField, ReferenceManyField, Show, SimpleShowLayout, TextField, TopToolbar } from 'react-admin';
import { PolicyActions } from './PolicyActions';

export const RetentionPolicyShow = () => (
  <Show
    actions={
      <TopToolbar>
        <EditButton />
      </TopToolbar>
    }
  >
    <SimpleShowLayout>
      <TextField source="category" />
      <TextField source="description" />
      <NumberField source="keepDays" />
      <TextField source="anchor" />
      <TextField source="action" />
      <TextField source="legalBasis" />
      <BooleanField source="enabled" />
      <DateField source="updatedAt" showTime />
      <PolicyActions />
      <Typography variant="h6" component="h3">
        Runs
      </Typography>
      <ReferenceManyField reference="retention-runs" target="policyId" sort={{ field: 'createdAt', order: 'DESC' }} perPage={10}>
        <DataTable rowClick="show" bulkActionButtons={false}>
          <DataTable.Col source="createdAt" field={DateField} />
          <DataTable.Col source="trigger" />
          <DataTable.Col source="status" />
          <DataTable.NumberCol source="deleted" />
          <DataTable.NumberCol source="anonymised" />
          <DataTable.NumberCol source="skippedOnHold" />
          <DataTable.NumberCol source="errors" />
        </DataTable>
      </ReferenceManyField>
    </SimpleShowLayout>
  </Show>
);

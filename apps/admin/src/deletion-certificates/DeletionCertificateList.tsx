import { DataTable, DateField, List } from 'react-admin';

export const DeletionCertificateList = () => (
  <List sort={{ field: 'issuedAt', order: 'DESC' }}>
    <DataTable rowClick="show" bulkActionButtons={false}>
      <DataTable.Col source="issuedAt" field={DateField} />
      <DataTable.Col source="subjectId" />
      <DataTable.Col source="requestId" />
      <DataTable.Col source="keyFingerprint" />
    </DataTable>
  </List>
);

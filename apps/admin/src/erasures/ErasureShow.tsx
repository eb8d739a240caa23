import CancelIcon from '@mui/icons-material/Cancel';
import { Alert } from '@mui/material';
import { ArrayField, BooleanField, DataTable, DateField, NumberField, ReferenceField, Show, SimpleShowLayout, TextField, TopToolbar, useCanAccess, useRecordContext } from 'react-admin';
import { ReasonActionButton } from '../shared/ReasonActionButton';

const CancelButton = () => {
  const record = useRecordContext();
  const { canAccess } = useCanAccess({ action: 'edit', resource: 'erasures', record });
  if (!record || !canAccess || !['scheduled', 'waiting_on_hold'].includes(String(record.status))) return null;
  return (
    <ReasonActionButton
      path={`/admin/erasures/${encodeURIComponent(String(record.id))}/cancel`}
      label="Cancel erasure"
      title="Cancel this account erasure?"
      explanation="The account returns to its previous status and nothing is deleted."
      done="The erasure was canceled."
      icon={<CancelIcon />}
      color="warning"
    />
  );
};

const HoldNotice = () => {
  const record = useRecordContext();
  if (!record?.holdReason) return null;
  return <Alert severity="warning">Waiting on a legal hold: {String(record.holdReason)}</Alert>;
};

export const ErasureShow = () => (
  <Show
    actions={
      <TopToolbar>
        <CancelButton />
      </TopToolbar>
    }
    queryOptions={{ refetchInterval: (q) => (q.state.data?.status === 'running' ? 1000 : false) }}
  >
    <SimpleShowLayout>
      <HoldNotice />
      <TextField source="status" />
      <TextField source="userId" />
      <TextField source="reason" />
      <BooleanField source="child" />
      <DateField source="runAfter" showTime />
      <DateField source="startedAt" showTime emptyText="—" />
      <DateField source="completedAt" showTime emptyText="—" />
      <NumberField source="attempts" />
      <TextField source="lastError" emptyText="—" />
      <ArrayField source="steps">
        <DataTable bulkActionButtons={false} rowClick={false}>
          <DataTable.Col source="category" />
          <DataTable.Col source="state" />
          <DataTable.NumberCol source="deleted" />
          <DataTable.NumberCol source="anonymised" />
          <DataTable.Col source="error" />
        </DataTable>
      </ArrayField>
      <ReferenceField source="certificateId" reference="deletion-certificates" link="show" emptyText="Not issued yet" />
    </SimpleShowLayout>
  </Show>
);

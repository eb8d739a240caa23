import { Alert, Typography } from '@mui/material';
import { DataTable, DateField, ListContextProvider, useCanAccess, useGetList, useList, useRecordContext } from 'react-admin';

/**
 * On a user's page: the legal holds on the account or its tickets and jobs, shown prominently,
 * because nothing in their scope may be deleted while they last.
 */
export const LegalHoldsSection = () => {
  const record = useRecordContext();
  const { canAccess } = useCanAccess({ action: 'list', resource: 'legal-holds' });
  const { data = [], isPending } = useGetList('legal-holds', { filter: { userId: record?.id, active: true }, pagination: { page: 1, perPage: 50 }, sort: { field: 'createdAt', order: 'DESC' } }, { enabled: !!record && !!canAccess });
  const list = useList({ data });
  if (!record || !canAccess || isPending) return null;
  return (
    <section aria-label="Legal holds">
      <Typography variant="h6" component="h3" sx={{ mt: 2 }}>
        Legal holds
      </Typography>
      {data.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          No active legal hold.
        </Typography>
      ) : (
        <>
          <Alert severity="warning" sx={{ my: 1 }}>
            {data.length === 1 ? '1 legal hold covers' : `${data.length} legal holds cover`} this account: nothing in their scope is deleted, and an account erasure waits.
          </Alert>
          <ListContextProvider value={list}>
            <DataTable resource="legal-holds" rowClick="show" bulkActionButtons={false}>
              <DataTable.Col source="scopeType" />
              <DataTable.Col source="reason" />
              <DataTable.Col source="requestedBy" />
              <DataTable.Col source="expiresAt" field={DateField} />
            </DataTable>
          </ListContextProvider>
        </>
      )}
    </section>
  );
};

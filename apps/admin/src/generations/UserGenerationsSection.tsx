import { Box, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { DataTable, DateField, ListBase, useCanAccess, useRecordContext, useTranslate } from 'react-admin';
import { callApi } from '../providers/consoleApi';

interface Stats {
  total: number;
  completed: number;
  failed: number;
  failureRate: number | null;
}

/** On a user's page: their jobs (newest first) and failure rate, for roles that may read jobs. */
export const UserGenerationsSection = () => {
  const record = useRecordContext();
  const translate = useTranslate();
  const { canAccess } = useCanAccess({ action: 'list', resource: 'generations' });
  const userId = record?.id === undefined ? undefined : String(record.id);
  const { data: stats } = useQuery({
    queryKey: ['generations', 'user-stats', userId],
    enabled: canAccess === true && userId !== undefined,
    queryFn: async () => {
      const r = await callApi<Stats>('GET', `/admin/generations/user-stats/${encodeURIComponent(userId ?? '')}`);
      return r.ok ? r.body : undefined;
    },
  });
  if (!record || !canAccess) return null;
  return (
    <Box component="section" aria-labelledby="user-generations" sx={{ mt: 2 }}>
      <Typography id="user-generations" variant="h6" gutterBottom>
        {translate('resources.generations.user_section.title')}
      </Typography>
      {stats && (
        <Typography variant="body2" sx={{ mb: 1 }} data-testid="user-failure-rate">
          {translate('resources.generations.user_section.summary', {
            total: stats.total,
            completed: stats.completed,
            failed: stats.failed,
            rate: stats.failureRate === null ? '—' : `${Math.round(stats.failureRate * 100)} %`,
          })}
        </Typography>
      )}
      <ListBase resource="generations" filter={{ userId }} sort={{ field: 'createdAt', order: 'DESC' }} perPage={10} disableSyncWithLocation>
        <DataTable resource="generations" rowClick="show" bulkActionButtons={false}>
          <DataTable.Col source="createdAt" field={DateField} />
          <DataTable.Col source="model" />
          <DataTable.Col source="status" />
          <DataTable.Col source="errorClass" />
          <DataTable.NumberCol source="credits" />
        </DataTable>
      </ListBase>
    </Box>
  );
};

import { Box, Typography } from '@mui/material';
import { ArrayField, DataTable, DateField, useRecordContext, useTranslate } from 'react-admin';

/**
 * The user's latest sign-ins and API use (IP, device, browser, OS). The API sends it only to roles
 * allowed to see it, so for everyone else there is nothing to show, not even the heading.
 */
export const AccessLogSection = () => {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record || !Array.isArray(record.accessLog)) return null;
  return (
    <Box component="section" aria-labelledby="user-access-log" sx={{ mt: 2 }}>
      <Typography id="user-access-log" variant="h6" gutterBottom>
        {translate('soar2.users.access_log')}
      </Typography>
      {record.accessLog.length === 0 ? (
        <Typography variant="body2">{translate('soar2.users.access_log_empty')}</Typography>
      ) : (
        <ArrayField source="accessLog">
          <DataTable bulkActionButtons={false} rowClick={false} aria-label={translate('soar2.users.access_log')}>
            <DataTable.Col source="createdAt" label="resources.users.fields.accessLog.createdAt">
              <DateField source="createdAt" showTime />
            </DataTable.Col>
            <DataTable.Col source="event" label="resources.users.fields.accessLog.event" />
            <DataTable.Col source="ip" label="resources.users.fields.accessLog.ip" />
            <DataTable.Col source="deviceType" label="resources.users.fields.accessLog.deviceType" />
            <DataTable.Col source="browser" label="resources.users.fields.accessLog.browser" />
            <DataTable.Col source="os" label="resources.users.fields.accessLog.os" />
          </DataTable>
        </ArrayField>
      )}
    </Box>
  );
};

import { Box, Stack, Typography } from '@mui/material';
import { DateField, NumberField, Show, SimpleShowLayout, TextField, TopToolbar, useRecordContext } from 'react-admin';
import { UserConsentSection } from '../consents/UserConsentSection';
import { LegalHoldsSection } from '../legal-holds';
import { UserGenerationsSection } from '../generations';
import { AccessLogSection } from './AccessLogSection';
import { StatusChangeButton } from './StatusChangeButton';
import { UserBillingSection } from './UserBillingSection';
import { UserStatusChip } from './UserStatusChip';

const UserShowActions = () => (
  <TopToolbar>
    <StatusChangeButton change="restrict" />
    <StatusChangeButton change="unrestrict" />
  </TopToolbar>
);

/**
 * Who the user is and, first of all, the state of their account. A field the caller's role may not
 * see is absent from the API's answer, so it is not shown at all (not even as empty).
 */
const UserDetail = () => {
  const record = useRecordContext();
  if (!record) return null;
  const name = typeof record.displayName === 'string' && record.displayName ? record.displayName : record.email;
  return (
    <Box sx={{ p: 2 }}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="h5" component="h2">
          {name}
        </Typography>
        <UserStatusChip size="medium" />
      </Stack>
      <SimpleShowLayout sx={{ px: 0 }}>
        <TextField source="email" />
        <TextField source="displayName" emptyText="—" />
        <TextField source="region" emptyText="—" />
        {'activeSessions' in record && <NumberField source="activeSessions" />}
        {'ageConfirmedAt' in record && <DateField source="ageConfirmedAt" showTime emptyText="—" />}
        <DateField source="createdAt" showTime />
        <DateField source="updatedAt" showTime />
        <TextField source="id" />
      </SimpleShowLayout>
      <LegalHoldsSection />
      <AccessLogSection />
      <UserConsentSection />
      <UserGenerationsSection />
      <UserBillingSection />
    </Box>
  );
};

export const UserShow = () => (
  <Show actions={<UserShowActions />}>
    <UserDetail />
  </Show>
);

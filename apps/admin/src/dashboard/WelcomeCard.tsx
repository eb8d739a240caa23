import { Card, CardContent, Typography } from '@mui/material';
import { useGetIdentity, useTranslate } from 'react-admin';
import type { StaffIdentity } from '../providers/authProvider';

export const WelcomeCard = () => {
  const { identity } = useGetIdentity();
  const translate = useTranslate();
  if (!identity) return null;
  const { fullName, role } = identity as StaffIdentity;
  return (
    <Card>
      <CardContent>
        <Typography variant="h5" component="h2" gutterBottom>
          {translate('soar2.dashboard.welcome', { name: fullName })}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {translate('soar2.dashboard.signed_in_as', { role: translate(`soar2.roles.${role}`, { _: role }) })}
        </Typography>
      </CardContent>
    </Card>
  );
};

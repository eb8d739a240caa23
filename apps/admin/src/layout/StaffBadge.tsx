import { Chip } from '@mui/material';
import { useGetIdentity, useTranslate } from 'react-admin';
import type { StaffIdentity } from '../providers/authProvider';

/** The signed-in staff member's role, beside their name in the user menu of the app bar. */
export const StaffBadge = () => {
  const { identity } = useGetIdentity();
  const translate = useTranslate();
  if (!identity) return null;
  const { fullName, role } = identity as StaffIdentity;
  const roleLabel = translate(`soar2.roles.${role}`, { _: role });
  return (
    <Chip
      size="small"
      variant="outlined"
      label={roleLabel}
      title={`${fullName} · ${roleLabel}`}
      aria-label={`Role: ${roleLabel}`}
      sx={{ mr: 1, color: 'inherit', borderColor: 'currentColor' }}
    />
  );
};

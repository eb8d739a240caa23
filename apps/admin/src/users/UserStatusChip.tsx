import { Chip } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import { USER_STATUS_COLORS, isUserStatus } from './userChoices';

/** A user's account status as a coloured chip, so a restricted or suspended account stands out. */
export const UserStatusChip = ({ size = 'small' }: { size?: 'small' | 'medium' }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const status: unknown = record?.status;
  if (!isUserStatus(status)) return null;
  const label = translate(`soar2.user_status.${status}`, { _: status });
  return (
    <Chip
      size={size}
      label={label}
      color={USER_STATUS_COLORS[status]}
      variant={status === 'active' ? 'outlined' : 'filled'}
      aria-label={`Account status: ${label}`}
      data-status={status}
    />
  );
};

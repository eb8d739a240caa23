import LockOpenIcon from '@mui/icons-material/LockOpen';
import LockResetIcon from '@mui/icons-material/LockReset';
import PhonelinkEraseIcon from '@mui/icons-material/PhonelinkErase';
import { useState, type ReactElement } from 'react';
import { Button, Confirm, useCanAccess, useGetIdentity, useNotify, useRecordContext, useRefresh } from 'react-admin';
import { callApi } from '../providers/consoleApi';

interface StaffRecord {
  id: string;
  displayName?: string;
  status?: string;
  locked?: boolean;
  failedLoginCount?: number;
  totpEnabled?: boolean;
}

interface ActionProps {
  verb: 'reset-password' | 'unlock' | 'disable-totp';
  label: string;
  icon: ReactElement;
  field?: string;
  confirm?: { title: string; content: string };
  done: string;
}

/** A button for one of the API's staff actions (POST /admin/staff/:id/<verb>), shown when the rules allow it. */
const StaffActionButton = ({ verb, label, icon, field, confirm, done }: ActionProps) => {
  const record = useRecordContext<StaffRecord>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const { canAccess } = useCanAccess({ action: 'edit', resource: field ? `staff.${field}` : 'staff', record, enabled: record !== undefined });
  if (!record || !canAccess) return null;

  const run = async () => {
    setOpen(false);
    setBusy(true);
    const result = await callApi<unknown>('POST', `/admin/staff/${encodeURIComponent(record.id)}/${verb}`);
    setBusy(false);
    if (result.ok) {
      notify(done, { type: 'success' });
      refresh();
    } else {
      notify(result.message, { type: 'error' });
    }
  };

  return (
    <>
      <Button label={label} onClick={() => (confirm ? setOpen(true) : void run())} disabled={busy}>
        {icon}
      </Button>
      {confirm && <Confirm isOpen={open} title={confirm.title} content={confirm.content} onConfirm={() => void run()} onClose={() => setOpen(false)} />}
    </>
  );
};

/**
 * Reset password (active members other than oneself, who uses Security instead), unlock (after
 * failed sign-ins), turn off two-step sign-in (others only, by rule).
 */
export const StaffActionButtons = () => {
  const record = useRecordContext<StaffRecord>();
  const { identity } = useGetIdentity();
  if (!record) return null;
  return (
    <>
      {record.status === 'active' && identity !== undefined && record.id !== identity.id && (
        <StaffActionButton
          verb="reset-password"
          label="soar2.staff.reset_password"
          icon={<LockResetIcon />}
          confirm={{ title: 'soar2.staff.reset_password_title', content: 'soar2.staff.reset_password_content' }}
          done="soar2.staff.reset_password_done"
        />
      )}
      {(record.locked || (record.failedLoginCount ?? 0) > 0) && <StaffActionButton verb="unlock" label="soar2.staff.unlock" icon={<LockOpenIcon />} done="soar2.staff.unlock_done" />}
      {record.totpEnabled && (
        <StaffActionButton
          verb="disable-totp"
          label="soar2.staff.disable_totp"
          icon={<PhonelinkEraseIcon />}
          field="totp"
          confirm={{ title: 'soar2.staff.disable_totp_title', content: 'soar2.staff.disable_totp_content' }}
          done="soar2.staff.disable_totp_done"
        />
      )}
    </>
  );
};

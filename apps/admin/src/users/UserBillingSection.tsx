import { Alert, Box, Button, Stack, TextField as MuiTextField, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { DataTable, Pagination, ReferenceManyField, useCanAccess, useNotify, useRecordContext, useRefresh } from 'react-admin';
import { creditEntryColumns } from '../credit-entries/CreditEntryColumns';
import { callApi } from '../providers/consoleApi';

interface UserCredits {
  balance: number;
  held: number;
  available: number;
  flaggedAt: string | null;
  flagReason: string | null;
  supportAdjustmentLimit: number;
  stripeCustomerId: string | null;
}

const Figure = ({ label, value, testId }: { label: string; value: number; testId: string }) => (
  <Box>
    <Typography variant="caption" color="text.secondary">
      {label}
    </Typography>
    <Typography variant="h6" data-testid={testId} color={value < 0 ? 'error' : undefined}>
      {value}
    </Typography>
  </Box>
);

/** Adds or removes credits with a mandatory reason; support agents up to the admin-set limit. */
const AdjustCreditsForm = ({ userId, limit, onDone }: { userId: string; limit: number; onDone: () => void }) => {
  const notify = useNotify();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);
  const submit = async () => {
    const n = Number(amount);
    const local: Record<string, string> = {};
    if (amount.trim() === '' || !Number.isInteger(n) || n === 0) local.amount = 'A whole number of credits, not zero (negative removes credits).';
    if (reason.trim().length < 3) local.reason = 'A reason is required (at least 3 characters).';
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    setPending(true);
    const result = await callApi<{ balance: number }>('POST', `/admin/users/${encodeURIComponent(userId)}/credits/adjust`, { amount: n, reason: reason.trim() });
    setPending(false);
    if (result.ok) {
      notify(`Credits adjusted; the balance is now ${result.body.balance}.`, { type: 'success' });
      setAmount('');
      setReason('');
      onDone();
    } else if (result.fieldErrors) {
      setErrors(result.fieldErrors);
    } else {
      notify(result.message, { type: 'error' });
    }
  };
  return (
    <Box component="form" aria-label="Adjust credits" onSubmit={(e) => { e.preventDefault(); void submit(); }} sx={{ mt: 2 }}>
      <Typography variant="subtitle1" gutterBottom>
        Adjust credits
      </Typography>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'flex-start', maxWidth: 900 }}>
        <MuiTextField
          label="Credits (+/−)"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          error={errors.amount !== undefined}
          helperText={errors.amount ?? `Support agents: at most ${limit} at a time.`}
          slotProps={{ htmlInput: { inputMode: 'numeric' } }}
          size="small"
          sx={{ width: 200 }}
        />
        <MuiTextField
          label="Reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={errors.reason !== undefined}
          helperText={errors.reason ?? 'Shown in the ledger and the audit log.'}
          size="small"
          sx={{ flex: 1, minWidth: 280 }}
          slotProps={{ htmlInput: { maxLength: 500 } }}
        />
        <Button type="submit" variant="contained" disabled={pending}>
          Adjust
        </Button>
      </Stack>
    </Box>
  );
};

/**
 * The user's billing: balance, held and available credits, the support flag a clawback may have set,
 * the ledger with running balance, and (for roles allowed to) the "adjust credits" form.
 */
export const UserBillingSection = () => {
  const record = useRecordContext();
  const refresh = useRefresh();
  const { canAccess: canRead } = useCanAccess({ action: 'read', resource: 'credit-entries' });
  const { canAccess: canAdjust } = useCanAccess({ action: 'create', resource: 'credit-entries', record: { kind: 'adjustment' } });
  const [credits, setCredits] = useState<UserCredits>();
  const [error, setError] = useState<string>();
  const userId = record?.id === undefined ? undefined : String(record.id);

  const load = useCallback(async () => {
    if (!userId) return;
    const result = await callApi<UserCredits>('GET', `/admin/users/${encodeURIComponent(userId)}/credits`);
    if (result.ok) setCredits(result.body);
    else setError(result.message);
  }, [userId]);

  useEffect(() => {
    if (canRead) void load();
  }, [canRead, load]);

  if (!record || !canRead) return null;
  return (
    <Box component="section" aria-labelledby="user-billing" sx={{ mt: 3 }}>
      <Typography id="user-billing" variant="h6" gutterBottom>
        Billing and credits
      </Typography>
      {error && <Alert severity="error">{error}</Alert>}
      {credits && (
        <>
          {credits.flaggedAt && (
            <Alert severity="warning" sx={{ mb: 1 }}>
              Flagged for support: {credits.flagReason}
            </Alert>
          )}
          <Stack direction="row" spacing={4}>
            <Figure label="Balance" value={credits.balance} testId="credits-balance" />
            <Figure label="Held" value={credits.held} testId="credits-held" />
            <Figure label="Available" value={credits.available} testId="credits-available" />
          </Stack>
          {canAdjust && userId && (
            <AdjustCreditsForm
              userId={userId}
              limit={credits.supportAdjustmentLimit}
              onDone={() => {
                void load();
                refresh();
              }}
            />
          )}
        </>
      )}
      <Typography variant="subtitle1" sx={{ mt: 2 }}>
        Credit ledger
      </Typography>
      <ReferenceManyField reference="credit-entries" target="userId" sort={{ field: 'seq', order: 'DESC' }} perPage={10} pagination={<Pagination rowsPerPageOptions={[10, 25, 50]} />}>
        <DataTable bulkActionButtons={false} rowClick={false} aria-label="Credit ledger">
          {creditEntryColumns(false)}
        </DataTable>
      </ReferenceManyField>
    </Box>
  );
};

// Status changes staff make to an account from the console. Only restriction of processing (GDPR
// Art. 18) exists today; suspension, termination and deletion arrive with their own issues.
import type { AccountStatus } from './user.entity';

export const STATUS_CHANGES = ['restrict', 'unrestrict'] as const;
export type StatusChange = (typeof STATUS_CHANGES)[number];

const TRANSITIONS: Readonly<Record<StatusChange, { from: AccountStatus; to: AccountStatus }>> = {
  restrict: { from: 'active', to: 'restricted' },
  unrestrict: { from: 'restricted', to: 'active' },
};

export type StatusChangeVerdict = { ok: true; from: AccountStatus; to: AccountStatus } | { ok: false; from: AccountStatus; message: string };

/** Whether `change` applies to an account in `current` status, and the status it leads to. */
export function statusChange(current: AccountStatus, change: StatusChange): StatusChangeVerdict {
  const t = TRANSITIONS[change];
  if (current === t.from) return { ok: true, from: current, to: t.to };
  const message =
    current === t.to
      ? `The account is already ${current}.`
      : change === 'restrict'
        ? `Only an active account can be restricted; this one is ${current}.`
        : `Only a restricted account can have its restriction lifted; this one is ${current}.`;
  return { ok: false, from: current, message };
}

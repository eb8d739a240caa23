// Values the API uses for tickets (apps/api/src/support/support-rules.ts), with console labels.
export const TICKET_STATUS_CHOICES = [
  { id: 'new', name: 'New' },
  { id: 'open', name: 'Open' },
  { id: 'pending', name: 'Pending (waiting on user)' },
  { id: 'on_hold', name: 'On hold' },
  { id: 'solved', name: 'Solved' },
  { id: 'closed', name: 'Closed' },
];

export const TICKET_CATEGORY_CHOICES = [
  { id: 'generation_problem', name: 'Generation problem' },
  { id: 'billing', name: 'Billing' },
  { id: 'account', name: 'Account' },
  { id: 'privacy', name: 'Privacy' },
  { id: 'security_report', name: 'Security report' },
  { id: 'other', name: 'Other' },
];

export const TICKET_PRIORITY_CHOICES = [
  { id: 'low', name: 'Low' },
  { id: 'normal', name: 'Normal' },
  { id: 'high', name: 'High' },
  { id: 'urgent', name: 'Urgent' },
];

export function choiceName(choices: ReadonlyArray<{ id: string; name: string }>, id: unknown): string {
  return choices.find((c) => c.id === id)?.name ?? String(id ?? '');
}

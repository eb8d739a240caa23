// Who may do what: the one definition of every actor's rules (deny by default). The API builds
// CASL abilities from these rules; the console receives the same rules at sign-in and hides what
// they forbid. docs/permissions.md is generated from here (npm run docs:permissions).
import type { MongoQuery } from '@casl/ability';

export const ACTIONS = ['manage', 'read', 'create', 'update', 'delete', 'verify', 'run'] as const;
export type Action = (typeof ACTIONS)[number] | 'refresh' | 'retry' | 'refund' | 'assign' | 'reply' | 'note' | 'approve' | 'deny' | 'extend' | 'fulfil' | 'release' | 'preview' | 'publish' | 'cancel' | 'recopy';

/** Subject types: one per console resource (API.md), plus the public API's own records. */
export const SUBJECTS = [
  'User',
  'Staff',
  'Generation',
  'CreditEntry',
  'Subscription',
  'Plan',
  'Ticket',
  'TicketMessage',
  'PrivacyRequest',
  'Consent',
  'LegalHold',
  'RetentionPolicy',
  'RetentionRun',
  'DeletionCertificate',
  'Erasure',
  'AuditLog',
  'PolicyVersion',
  'Notification',
  'StripeEvent',
  'DrpAgent',
  'Report',
  'SystemStatus',
  'TicketMacro',
] as const;
export type SubjectType = (typeof SUBJECTS)[number];

export const STAFF_ROLE_NAMES = ['admin', 'support_agent', 'privacy_officer', 'auditor'] as const;
export type StaffRoleName = (typeof STAFF_ROLE_NAMES)[number];

/** A serialisable rule, as CASL's RawRule: sent to the console as is. */
export interface PermissionRule {
  action: Action | Action[];
  subject: SubjectType | SubjectType[];
  fields?: string[];
  conditions?: MongoQuery;
  inverted?: boolean;
  reason?: string;
}

export type Actor = { kind: 'staff'; id: string; role: StaffRoleName } | { kind: 'user'; id: string };

/** Fields of a user record a support agent may see (identity and state, not consents or privacy data). */
export const USER_SUPPORT_FIELDS = ['id', 'email', 'displayName', 'region', 'status', 'createdAt', 'updatedAt'];
/**
 * Personal data about a user beyond identity and state, for privacy work only: the age attestation,
 * the number of open sessions and the access log (IP address, device, browser, OS and time of each
 * sign-in). `activeSessions` and `accessLog` are fields of the console's user detail. Only a rule on
 * User without a field list (privacy officers) reaches them; every other role lists its fields.
 */
export const USER_PRIVACY_FIELDS = ['ageConfirmedAt', 'activeSessions', 'accessLog'];
/** Fields end users may change on their own profile (email changes go through a confirmation code). */
export const USER_SELF_EDITABLE_FIELDS = ['displayName', 'region'];

const allow = (action: Action | Action[], subject: SubjectType | SubjectType[], conditions?: MongoQuery, fields?: string[]): PermissionRule => ({
  action,
  subject,
  ...(fields ? { fields } : {}),
  ...(conditions ? { conditions } : {}),
});
const forbid = (action: Action | Action[], subject: SubjectType | SubjectType[], reason: string, conditions?: MongoQuery, fields?: string[]): PermissionRule => ({
  ...allow(action, subject, conditions, fields),
  inverted: true,
  reason,
});

function adminRules(self: string): PermissionRule[] {
  return [
    allow('manage', ['Plan', 'DrpAgent']),
    // No delete: staff accounts are disabled, never deleted, since audit entries name them by id.
    allow(['read', 'create', 'update'], 'Staff'),
    // Admins run staff and plans: a user's identity and state, never the privacy-only fields.
    allow('read', 'User', undefined, USER_SUPPORT_FIELDS),
    allow('read', ['Subscription', 'StripeEvent', 'Notification', 'AuditLog', 'SystemStatus', 'Report', 'RetentionRun']),
    allow('verify', 'AuditLog'),
    allow('retry', 'Notification'),
    // Holds are placed and released by privacy officers or admins (COMPLIANCE.md), never deleted.
    allow(['read', 'create', 'update', 'release'], 'LegalHold'),
    allow('read', ['RetentionPolicy', 'Erasure', 'DeletionCertificate']),
    // Credits: any adjustment (no per-adjustment limit), and `update` sets the support agents' limit.
    allow(['read', 'create', 'update'], 'CreditEntry'),
    allow('retry', 'StripeEvent'),
    // Support: admins see every ticket (security reports included), work them and manage canned replies.
    allow(['read', 'update', 'assign', 'reply', 'note'], 'Ticket'),
    allow(['read', 'create'], 'TicketMessage'),
    allow('manage', 'TicketMacro'),
    forbid('update', 'Staff', 'A staff member cannot change their own role or status.', { id: self }, ['role', 'status']),
    forbid('update', 'Staff', 'Turn off your own two-step sign-in under Security, with your password.', { id: self }, ['totp']),
  ];
}

function supportRules(): PermissionRule[] {
  return [
    allow('read', 'User', undefined, USER_SUPPORT_FIELDS),
    allow(['read', 'refresh', 'retry', 'refund', 'cancel', 'recopy', 'delete'], 'Generation'),
    allow('read', ['CreditEntry', 'Subscription', 'Plan']),
    allow('create', 'CreditEntry', { kind: 'adjustment' }),
    allow(['read', 'update', 'assign', 'reply', 'note'], 'Ticket'),
    allow(['read', 'create'], 'TicketMessage'),
    // Agents see holds on the records they work on (a held user's tickets and jobs), never change them.
    allow('read', 'LegalHold'),
    forbid(['read', 'update', 'assign', 'reply', 'note'], 'Ticket', 'Security reports are visible to admins and privacy officers only.', { category: 'security_report' }),
    allow('read', 'SystemStatus'),
    allow('read', 'TicketMacro'),
  ];
}

function privacyOfficerRules(): PermissionRule[] {
  return [
    allow('read', 'User'),
    // Restricting processing (and lifting it) is the only status change a privacy officer makes here.
    allow('update', 'User', undefined, ['status']),
    allow('manage', ['PrivacyRequest', 'Consent', 'LegalHold', 'RetentionPolicy', 'DeletionCertificate', 'PolicyVersion', 'Erasure']),
    // A hold is released with a reason, never deleted: the record of it is evidence. Same for certificates.
    forbid('delete', ['LegalHold', 'DeletionCertificate', 'Erasure'], 'Legal holds, erasures and deletion certificates are evidence: never deleted.'),
    allow(['read', 'run', 'preview'], ['RetentionRun', 'RetentionPolicy']),
    allow('read', ['Generation', 'Ticket', 'TicketMessage', 'Notification', 'AuditLog', 'Report', 'SystemStatus']),
    allow('note', 'Ticket'),
    allow('verify', 'AuditLog'),
    allow('create', 'TicketMessage', { kind: 'internal_note' }),
    forbid('create', 'CreditEntry', 'Privacy officers do not change credits.'),
  ];
}

function auditorRules(): PermissionRule[] {
  return [allow('read', ['AuditLog', 'Report']), allow('verify', 'AuditLog')];
}

function endUserRules(self: string): PermissionRule[] {
  return [
    allow('read', 'User', { id: self }, ['id', 'email', 'displayName', 'region', 'status', 'createdAt']),
    allow('update', 'User', { id: self }, USER_SELF_EDITABLE_FIELDS),
    allow(['read', 'delete'], 'Generation', { userId: self }),
    allow('create', 'Generation'),
    allow('read', 'CreditEntry', { userId: self }),
    allow('read', ['Plan', 'PolicyVersion']),
    // Checkout and the Customer Portal act on the caller's own subscription only.
    allow(['read', 'create'], 'Subscription', { userId: self }),
    allow(['read', 'create'], 'Ticket', { userId: self }),
    allow('create', 'TicketMessage', { userId: self }),
    allow(['read', 'create', 'delete'], 'PrivacyRequest', { userId: self }),
    allow(['read', 'update'], 'Consent', { userId: self }),
  ];
}

/** Every rule that applies to an actor. Nothing not listed here is allowed. */
export function rulesFor(actor: Actor): PermissionRule[] {
  if (actor.kind === 'user') return endUserRules(actor.id);
  switch (actor.role) {
    case 'admin':
      return adminRules(actor.id);
    case 'support_agent':
      return supportRules();
    case 'privacy_officer':
      return privacyOfficerRules();
    case 'auditor':
      return auditorRules();
  }
}

import { createMongoAbility, subject as asSubject, type MongoAbility, type RawRuleOf } from '@casl/ability';

export interface AccessRequest {
  action: string;
  resource: string;
  record?: Record<string, unknown>;
}

type ConsoleAbility = MongoAbility<[string, string | Record<string, unknown>]>;
export type ConsoleRule = RawRuleOf<ConsoleAbility>;

/** react-admin resource → the API's subject type (authz/permissions.ts). Unknown resources are denied. */
export const RESOURCE_SUBJECTS: Readonly<Record<string, string>> = {
  users: 'User',
  staff: 'Staff',
  generations: 'Generation',
  'credit-entries': 'CreditEntry',
  subscriptions: 'Subscription',
  plans: 'Plan',
  tickets: 'Ticket',
  'ticket-messages': 'TicketMessage',
  'privacy-requests': 'PrivacyRequest',
  'privacy-packages': 'PrivacyRequest',
  consents: 'Consent',
  'legal-holds': 'LegalHold',
  'retention-policies': 'RetentionPolicy',
  'retention-runs': 'RetentionRun',
  'deletion-certificates': 'DeletionCertificate',
  erasures: 'Erasure',
  'audit-log': 'AuditLog',
  'policy-versions': 'PolicyVersion',
  notifications: 'Notification',
  'stripe-events': 'StripeEvent',
  'drp-agents': 'DrpAgent',
  // The register and campaigns belong to the policy (authz: PolicyVersion).
  subprocessors: 'PolicyVersion',
  'notice-campaigns': 'PolicyVersion',
  'ticket-macros': 'TicketMacro',
  reports: 'Report',
};

/** react-admin's actions → the API's actions; verbs the API defines (retry, verify, …) pass through. */
const ACTIONS: Readonly<Record<string, string>> = { list: 'read', show: 'read', export: 'read', create: 'create', edit: 'update', delete: 'delete' };

let cached: { rules: unknown; ability: ConsoleAbility } | undefined;

function abilityOf(rules: readonly ConsoleRule[]): ConsoleAbility {
  if (cached?.rules !== rules) cached = { rules, ability: createMongoAbility<ConsoleAbility>(rules as ConsoleRule[]) };
  return cached.ability;
}

/**
 * Whether the console should offer `action` on `resource`, from the CASL rules the API sent at
 * sign-in. The console only hides; the API enforces every rule. A field is named as
 * `<resource>.<field>` (react-admin's convention, e.g. `staff.role`), so field rules apply: with the
 * record, an admin may edit `staff.role` on others but not on their own record.
 */
export function canAccess(rules: readonly ConsoleRule[] | undefined, { action, resource, record }: AccessRequest): boolean {
  const dot = resource.indexOf('.');
  const subjectType = RESOURCE_SUBJECTS[dot < 0 ? resource : resource.slice(0, dot)];
  const field = dot < 0 ? undefined : resource.slice(dot + 1);
  if (!rules || !subjectType || field === '') return false;
  const ability = abilityOf(rules);
  const caslAction = ACTIONS[action] ?? action;
  return ability.can(caslAction, record ? asSubject(subjectType, { ...record }) : subjectType, field);
}

// What callers hand to AuditService.record, and the pure checks that turn it into a chain-ready entry.
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { CURRENT_AUDIT_FORMAT, canonicalJson, type AuditFormatVersion } from './audit-chain';
import { AuditEntryInvalidException } from './audit.exception';

export const AUDIT_ACTOR_TYPES = ['staff', 'user', 'system', 'agent', 'anonymous'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON value as callers may write it: object properties that are undefined are left out. */
export type AuditDetailValue = null | boolean | number | string | AuditDetailValue[] | { [key: string]: AuditDetailValue | undefined };
/** Free-form facts about the action; never emails, passwords, tokens or prompts (use pseudonymize). */
export type AuditDetails = { [key: string]: AuditDetailValue | undefined };

export interface AuditActor {
  type: AuditActorType;
  /** Staff or user id, DRP agent id, or the system component's name; absent for anonymous actors. */
  id?: string | null;
  role?: string | null;
}

export interface AuditSubject {
  type: string;
  id?: string | null;
}

export interface AuditEntryInput {
  /** Dotted lower-case name, resource first: `staff.login`, `user.read`, `privacy_request.approve`. */
  action: string;
  actor: AuditActor;
  subject?: AuditSubject | null;
  details?: AuditDetails;
  /** When the action happened; now by default. Stored with millisecond precision. */
  occurredAt?: Date;
  /** Defaults to the current HTTP request's id; null records none. */
  requestId?: string | null;
  /** Client address, personal data: stored, never logged. Defaults to the current request's; null records none. */
  ip?: string | null;
}

/** Request metadata an entry inherits when the caller does not say otherwise. */
export interface AuditRequestMetadata {
  requestId: string | null;
  ip: string | null;
}

/** A validated entry, ready to be linked into the chain (sequence and hashes are added under the lock). */
export interface PreparedAuditEntry {
  id: string;
  occurredAt: string;
  actorType: AuditActorType;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  requestId: string | null;
  /** The clear address; null for an end user's entry, whose address goes to ipSealed (decision 023). */
  ip: string | null;
  /** The address sealed with the end user's data key, base64; set by AuditService, null here. */
  ipSealed: string | null;
  /** The canonical format the entry is hashed in (audit-chain.ts). */
  formatVersion: AuditFormatVersion;
  /** The details in canonical JSON: both what is hashed and what is stored (as jsonb). */
  detailsJson: string;
}

/** The sealing context of an entry's address: `audit_log.ip:<entry id>` (the id is chosen before the insert). */
export function auditIpContext(entryId: string): string {
  return `audit_log.ip:${entryId}`;
}

/** The end user whose data key seals this entry's address, or null when the address stays clear (staff, system, agents, anonymous). */
export function ipOwner(entry: Pick<PreparedAuditEntry, 'actorType' | 'actorId' | 'ip'>): string | null {
  return entry.actorType === 'user' && entry.actorId !== null && entry.ip !== null ? entry.actorId : null;
}

export const MAX_DETAILS_BYTES = 64 * 1024;
const MAX_TEXT = 200;
const MAX_DEPTH = 16;
const ACTION_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const NAME_RE = /^[a-z][a-z0-9_-]*$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

// Lone surrogates cannot be stored in jsonb; NUL cannot be stored in PostgreSQL text at all.
function unstorable(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE_RE.test(text);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` holding only JSON (null, booleans, finite numbers, strings, arrays, plain objects);
 * object properties that are undefined are dropped, anything else that JSON cannot carry is a problem.
 */
function cleanJson(value: unknown, path: string, depth: number, problems: string[]): JsonValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) problems.push(`${path} must be a finite number.`);
    return value;
  }
  if (typeof value === 'string') {
    if (unstorable(value)) problems.push(`${path} contains a NUL character or an unpaired surrogate.`);
    return value;
  }
  if (depth >= MAX_DEPTH) {
    problems.push(`${path} is nested more than ${MAX_DEPTH} levels deep.`);
    return null;
  }
  if (Array.isArray(value)) return value.map((v, i) => cleanJson(v, `${path}[${i}]`, depth + 1, problems));
  if (isPlainObject(value)) {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      if (unstorable(key)) problems.push(`${path} has a key with a NUL character or an unpaired surrogate.`);
      out[key] = cleanJson(v, `${path}.${key}`, depth + 1, problems);
    }
    return out;
  }
  problems.push(`${path} must be JSON (got ${value === undefined ? 'undefined' : (value as object).constructor?.name ?? typeof value}).`);
  return null;
}

function text(value: string | null | undefined, field: string, problems: string[], pattern?: RegExp): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT || unstorable(value)) {
    problems.push(`${field} must be a non-empty string of at most ${MAX_TEXT} characters.`);
    return null;
  }
  if (pattern && !pattern.test(value)) problems.push(`${field} has the wrong format.`);
  return value;
}

/** The address as PostgreSQL's inet would print it for a host, so the stored text never changes meaning. */
function normalizeIp(ip: string, problems: string[]): string | null {
  const unzoned = ip.replace(/%.*$/, '');
  const bare = /^::ffff:/i.test(unzoned) && isIP(unzoned.slice(7)) === 4 ? unzoned.slice(7) : unzoned;
  const kind = isIP(bare);
  if (kind === 0) {
    problems.push('ip must be an IPv4 or IPv6 address.');
    return null;
  }
  return kind === 6 ? bare.toLowerCase() : bare;
}

/**
 * Validates an entry and fills in what the caller left out (id, time, the request's id and address).
 * Throws AuditEntryInvalidException listing every problem: a bad entry is a programming error, and
 * recording nothing would be worse than failing the action.
 */
export function prepareAuditEntry(input: AuditEntryInput, request: AuditRequestMetadata | undefined, now: Date = new Date()): PreparedAuditEntry {
  const problems: string[] = [];
  const action = text(input.action, 'action', problems, ACTION_RE) ?? '';
  if (!input.actor || !(AUDIT_ACTOR_TYPES as readonly string[]).includes(input.actor.type)) {
    problems.push(`actor.type must be one of ${AUDIT_ACTOR_TYPES.join(', ')}.`);
  }
  const actorType = input.actor?.type;
  const actorId = text(input.actor?.id, 'actor.id', problems, actorType === 'staff' || actorType === 'user' ? UUID_RE : undefined);
  if ((actorType === 'staff' || actorType === 'user' || actorType === 'system' || actorType === 'agent') && actorId === null) {
    problems.push(`actor.id is required for a ${actorType} actor.`);
  }
  if (actorType === 'anonymous' && actorId !== null) problems.push('actor.id must be absent for an anonymous actor.');
  const actorRole = text(input.actor?.role, 'actor.role', problems);
  const subjectType = input.subject ? text(input.subject.type, 'subject.type', problems, NAME_RE) : null;
  if (input.subject && subjectType === null && input.subject.type === undefined) problems.push('subject.type is required when a subject is given.');
  const subjectId = input.subject ? text(input.subject.id, 'subject.id', problems) : null;

  const when = input.occurredAt ?? now;
  const time = when instanceof Date ? when.getTime() : Number.NaN;
  if (!Number.isFinite(time) || time < MIN_TIME || time > MAX_TIME) problems.push('occurredAt must be a valid date between 2000 and 9999.');

  const requestId = text(input.requestId === undefined ? request?.requestId : input.requestId, 'requestId', problems);
  const rawIp = input.ip === undefined ? request?.ip : input.ip;
  const ip = rawIp === null || rawIp === undefined ? null : normalizeIp(rawIp, problems);

  let detailsJson = '{}';
  if (input.details !== undefined) {
    if (!isPlainObject(input.details)) problems.push('details must be a plain object.');
    else {
      const before = problems.length;
      const clean = cleanJson(input.details, 'details', 0, problems);
      if (problems.length === before) detailsJson = canonicalJson(clean);
      if (Buffer.byteLength(detailsJson) > MAX_DETAILS_BYTES) problems.push(`details must be at most ${MAX_DETAILS_BYTES} bytes as JSON.`);
    }
  }
  if (problems.length > 0) throw new AuditEntryInvalidException(problems);
  return {
    id: randomUUID(),
    occurredAt: new Date(time).toISOString(),
    actorType: actorType as AuditActorType,
    actorId,
    actorRole,
    action,
    subjectType,
    subjectId,
    requestId,
    ip,
    ipSealed: null,
    formatVersion: CURRENT_AUDIT_FORMAT,
    detailsJson,
  };
}

import { AuditEntryInput, AuditSubject, MAX_DETAILS_BYTES, auditIpContext, ipOwner, prepareAuditEntry } from './audit-entry';
import { AuditEntryInvalidException } from './audit.exception';

const staffId = '0b7e1d2c-3a4b-4c5d-8e6f-7a8b9c0d1e2f';
const base: AuditEntryInput = { action: 'staff.login', actor: { type: 'staff', id: staffId, role: 'admin' } };
const now = new Date('2026-11-27T10:00:00.123Z');

function problemsOf(input: AuditEntryInput): string[] {
  try {
    prepareAuditEntry(input, undefined, now);
  } catch (err) {
    if (err instanceof AuditEntryInvalidException) return err.problems;
    throw err;
  }
  throw new Error('expected the entry to be refused');
}

describe('prepareAuditEntry', () => {
  it('fills in a fresh id, the time, and the request id and address of the current request', () => {
    const e = prepareAuditEntry(base, { requestId: 'req-abc', ip: '::ffff:203.0.113.9' }, now);
    expect(e).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      occurredAt: '2026-11-27T10:00:00.123Z',
      actorType: 'staff',
      actorId: staffId,
      actorRole: 'admin',
      action: 'staff.login',
      subjectType: null,
      subjectId: null,
      requestId: 'req-abc',
      ip: '203.0.113.9',
      ipSealed: null,
      formatVersion: 2,
      detailsJson: '{}',
    });
    expect(prepareAuditEntry(base, undefined, now).id).not.toBe(e.id);
  });

  it('lets the caller override or clear the request metadata', () => {
    const e = prepareAuditEntry({ ...base, requestId: null, ip: 'FE80::1%eth0' }, { requestId: 'req-abc', ip: '198.51.100.1' }, now);
    expect(e.requestId).toBeNull();
    expect(e.ip).toBe('fe80::1');
  });

  it('stores details as canonical JSON, dropping undefined properties', () => {
    const e = prepareAuditEntry({ ...base, details: { z: 1, a: { y: undefined, x: [true, null, 'é'] } } }, undefined, now);
    expect(e.detailsJson).toBe('{"a":{"x":[true,null,"é"]},"z":1}');
  });

  it('accepts system, agent and anonymous actors and a subject without id', () => {
    expect(prepareAuditEntry({ action: 'retention.sweep', actor: { type: 'system', id: 'retention-scheduler' }, subject: { type: 'retention_run' } }, undefined, now)).toMatchObject({
      actorType: 'system',
      actorId: 'retention-scheduler',
      subjectType: 'retention_run',
      subjectId: null,
    });
    expect(prepareAuditEntry({ action: 'staff.login', actor: { type: 'anonymous' } }, undefined, now).actorId).toBeNull();
  });

  it.each<[string, AuditEntryInput, RegExp]>([
    ['an action without a resource', { ...base, action: 'login' }, /^action has the wrong format/],
    ['an upper-case action', { ...base, action: 'Staff.Login' }, /^action has the wrong format/],
    ['an unknown actor type', { ...base, actor: { type: 'robot' as 'system', id: 'r' } }, /^actor\.type must be one of/],
    ['a staff actor without id', { ...base, actor: { type: 'staff' } }, /^actor\.id is required for a staff actor/],
    ['a user actor whose id is not a UUID', { ...base, actor: { type: 'user', id: 'alice@example.com' } }, /^actor\.id has the wrong format/],
    ['an anonymous actor with an id', { ...base, actor: { type: 'anonymous', id: 'x' } }, /^actor\.id must be absent/],
    ['a subject without type', { ...base, subject: { id: 'x' } as unknown as AuditSubject }, /^subject\.type is required/],
    ['an invalid time', { ...base, occurredAt: new Date('nope') }, /^occurredAt must be a valid date/],
    ['a time before 2000', { ...base, occurredAt: new Date(0) }, /^occurredAt must be a valid date/],
    ['an address that is not one', { ...base, ip: '999.1.1.1' }, /^ip must be an IPv4 or IPv6 address/],
    ['a Date in details', { ...base, details: { at: new Date() as unknown as string } }, /^details\.at must be JSON \(got Date\)/],
    ['NaN in details', { ...base, details: { n: Number.NaN } }, /^details\.n must be a finite number/],
    ['a NUL character in details', { ...base, details: { s: 'a\u0000b' } }, /NUL character/],
    ['an unpaired surrogate in details', { ...base, details: { s: '\ud800' } }, /unpaired surrogate/],
    ['an array as details', { ...base, details: [] as unknown as Record<string, string> }, /^details must be a plain object/],
    ['oversized details', { ...base, details: { s: 'x'.repeat(MAX_DETAILS_BYTES) } }, /^details must be at most/],
    ['a NUL character in a column', { ...base, subject: { type: 'staff', id: 'a\u0000' } }, /^subject\.id must be a non-empty string/],
  ])('refuses %s', (_name, input, expected) => {
    const problems = problemsOf(input);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('lists every problem at once, without echoing the values', () => {
    const problems = problemsOf({ action: 'x', actor: { type: 'user', id: 'leaky@example.com' }, ip: 'nope' });
    expect(problems).toHaveLength(3);
    expect(problems.join(' ')).not.toContain('leaky@example.com');
  });
});

describe('ipOwner and auditIpContext', () => {
  const userId = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
  it('names the end user as the owner of the address of their own actions, and nobody for staff, system, agents or anonymous actors', () => {
    expect(ipOwner({ actorType: 'user', actorId: userId, ip: '203.0.113.9' })).toBe(userId);
    expect(ipOwner({ actorType: 'user', actorId: userId, ip: null })).toBeNull();
    for (const actorType of ['staff', 'system', 'agent'] as const) expect(ipOwner({ actorType, actorId: staffId, ip: '203.0.113.9' })).toBeNull();
    expect(ipOwner({ actorType: 'anonymous', actorId: null, ip: '203.0.113.9' })).toBeNull();
  });

  it('binds a sealed address to its entry id', () => {
    expect(auditIpContext(userId)).toBe(`audit_log.ip:${userId}`);
  });
});

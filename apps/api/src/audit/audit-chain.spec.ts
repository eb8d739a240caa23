import { createHash } from 'node:crypto';
import { AuditLinkFields, GENESIS_HASH, canonicalEntry, canonicalJson, describeBreak, linkHash, verdictAtEnd } from './audit-chain';

const fields: AuditLinkFields = {
  id: '3f1c2a9e-8d4b-4c6a-9e2f-1a2b3c4d5e6f',
  sequence: 1,
  occurredAt: '2026-11-27T10:00:00.000Z',
  actorType: 'staff',
  actorId: '0b7e1d2c-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
  actorRole: 'admin',
  action: 'staff.login',
  subjectType: 'staff',
  subjectId: '0b7e1d2c-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
  requestId: 'req-1',
  ip: '203.0.113.9',
  detailsJson: '{"outcome":"success"}',
};

describe('canonicalJson (RFC 8785)', () => {
  it('sorts object keys at every depth, keeps array order and writes no whitespace', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: null }], a: { d: true, c: 'x' } })).toBe('{"a":{"c":"x","d":true},"b":[3,{"a":null,"z":1}]}');
  });

  it('orders keys by UTF-16 code units, as in the RFC 8785 example', () => {
    const keys = ['\u20ac', '\r', '\ufb33', '1', '\ud83d\ude00', '\u0080', '\u00f6'];
    expect(canonicalJson(Object.fromEntries(keys.map((k, i) => [k, i])))).toBe('{"\\r":1,"1":3,"\u0080":5,"\u00f6":6,"\u20ac":0,"\ud83d\ude00":4,"\ufb33":2}');
  });

  it('writes numbers in ECMAScript shortest form', () => {
    expect(canonicalJson([1e21, 1e-7, 0.000001, -0, 1.5, 100, 0.1 + 0.2])).toBe('[1e+21,1e-7,0.000001,0,1.5,100,0.30000000000000004]');
  });

  it('escapes strings as JSON.stringify does: control characters in lower-case hex, U+2028 left alone', () => {
    expect(canonicalJson('a"b\\c\n\u001f\u2028é')).toBe('"a\\"b\\\\c\\n\\u001f\u2028é"');
  });

  it('refuses non-finite numbers', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(TypeError);
  });
});

describe('canonicalEntry and linkHash (format version 1)', () => {
  it('serializes the fixed field list in sorted order, nulls included', () => {
    expect(canonicalEntry({ ...fields, actorRole: null, ip: null })).toBe(
      '{"action":"staff.login","actorId":"0b7e1d2c-3a4b-4c5d-8e6f-7a8b9c0d1e2f","actorRole":null,"actorType":"staff",' +
        '"details":{"outcome":"success"},"id":"3f1c2a9e-8d4b-4c6a-9e2f-1a2b3c4d5e6f","ip":null,"occurredAt":"2026-11-27T10:00:00.000Z",' +
        '"requestId":"req-1","sequence":1,"subjectId":"0b7e1d2c-3a4b-4c5d-8e6f-7a8b9c0d1e2f","subjectType":"staff"}',
    );
  });

  it('hashes the previous hash followed by the UTF-8 canonical entry', () => {
    const expected = createHash('sha256').update(Buffer.concat([GENESIS_HASH, Buffer.from(canonicalEntry(fields), 'utf8')])).digest();
    expect(linkHash(GENESIS_HASH, fields).equals(expected)).toBe(true);
    // Pinned: a change to the format changes this value and must come with a new format version.
    expect(linkHash(GENESIS_HASH, fields).toString('hex')).toBe('2bb9a3700bb3f0485382116e3ba54de131119e780c289e9f05f5f54914f3469c');
  });

  it('changes when any field or the previous hash changes', () => {
    const base = linkHash(GENESIS_HASH, fields).toString('hex');
    const variants: Array<Partial<AuditLinkFields>> = [
      { sequence: 2 },
      { occurredAt: '2026-11-27T10:00:00.001Z' },
      { actorId: null },
      { actorRole: 'auditor' },
      { actorType: 'user' },
      { action: 'staff.logout' },
      { subjectType: null },
      { subjectId: 'x' },
      { requestId: null },
      { ip: '203.0.113.10' },
      { detailsJson: '{"outcome":"failure"}' },
      { id: '3f1c2a9e-8d4b-4c6a-9e2f-1a2b3c4d5e60' },
    ];
    for (const v of variants) expect(linkHash(GENESIS_HASH, { ...fields, ...v }).toString('hex')).not.toBe(base);
    expect(linkHash(Buffer.alloc(32, 1), fields).toString('hex')).not.toBe(base);
  });
});

describe('canonicalEntry and linkHash (format version 2)', () => {
  const sealed = Buffer.from('sealed-bytes').toString('base64');
  const v2: AuditLinkFields = { ...fields, formatVersion: 2, actorType: 'user', ip: null, ipSealed: sealed };

  it('adds the version and the sealed address to the version 1 keys, in sorted order', () => {
    expect(canonicalEntry(v2)).toBe(
      '{"action":"staff.login","actorId":"0b7e1d2c-3a4b-4c5d-8e6f-7a8b9c0d1e2f","actorRole":"admin","actorType":"user",' +
        '"details":{"outcome":"success"},"format":2,"id":"3f1c2a9e-8d4b-4c6a-9e2f-1a2b3c4d5e6f","ip":null,"ipSealed":"c2VhbGVkLWJ5dGVz",' +
        '"occurredAt":"2026-11-27T10:00:00.000Z","requestId":"req-1","sequence":1,"subjectId":"0b7e1d2c-3a4b-4c5d-8e6f-7a8b9c0d1e2f","subjectType":"staff"}',
    );
    expect(canonicalEntry({ ...v2, ipSealed: null })).toContain('"ip":null,"ipSealed":null,');
  });

  it('hashes differently from version 1 for the same fields, and changes with the sealed bytes', () => {
    const clear = { ...fields, formatVersion: 2, ipSealed: null };
    expect(linkHash(GENESIS_HASH, clear).equals(linkHash(GENESIS_HASH, fields))).toBe(false);
    expect(linkHash(GENESIS_HASH, v2).equals(linkHash(GENESIS_HASH, { ...v2, ipSealed: Buffer.from('sealed-bytez').toString('base64') }))).toBe(false);
    // Pinned, as for version 1: SHA-256 over 32 zero bytes and the canonical text above.
    expect(linkHash(GENESIS_HASH, v2).toString('hex')).toBe('4271af246bbb44e812a6142ab45b95dcd5e669c13589c51d0f3f279b62cc5f31');
  });

  it('refuses a sealed address in version 1, both addresses at once, and unknown versions', () => {
    expect(() => canonicalEntry({ ...fields, ipSealed: sealed })).toThrow(TypeError);
    expect(() => canonicalEntry({ ...v2, ip: '203.0.113.9' })).toThrow(TypeError);
    expect(() => canonicalEntry({ ...fields, formatVersion: 3 })).toThrow(TypeError);
  });
});

describe('verification verdicts', () => {
  const ok = { contiguous: true, linked: true, intact: true };

  it('reports a gap at its first missing sequence number, counting the entries before it as checked', () => {
    expect(describeBreak({ ...ok, sequence: 7, previousSequence: 4, contiguous: false })).toEqual({
      valid: false,
      checked: 4,
      firstBrokenSequence: 5,
      reason: 'sequence_gap',
      detail: 'Entries 5–6 are missing before entry 7.',
    });
    expect(describeBreak({ ...ok, sequence: 3, previousSequence: 1, contiguous: false }).detail).toBe('Entry 2 is missing before entry 3.');
  });

  it('reports a gap from sequence 1 when no entry precedes the first one found', () => {
    expect(describeBreak({ ...ok, sequence: 3, previousSequence: null, contiguous: false })).toMatchObject({ checked: 0, firstBrokenSequence: 1, reason: 'sequence_gap' });
  });

  it('prefers the gap, then the broken link, then the content when several things are wrong', () => {
    expect(describeBreak({ sequence: 9, previousSequence: 7, contiguous: false, linked: false, intact: false }).reason).toBe('sequence_gap');
    expect(describeBreak({ sequence: 9, previousSequence: 8, contiguous: true, linked: false, intact: false })).toMatchObject({
      checked: 8,
      firstBrokenSequence: 9,
      reason: 'prev_hash_mismatch',
    });
    expect(describeBreak({ sequence: 9, previousSequence: 8, contiguous: true, linked: true, intact: false })).toMatchObject({
      firstBrokenSequence: 9,
      reason: 'hash_mismatch',
      detail: 'Entry 9 does not match its hash: it was changed after it was written.',
    });
  });

  it('accepts a chain whose last entry is the one the head names, and an empty chain at genesis', () => {
    const hash = Buffer.alloc(32, 5);
    expect(verdictAtEnd({ lastSequence: 12, lastHash: hash }, { sequence: 12, hash })).toEqual({ valid: true, checked: 12 });
    expect(verdictAtEnd({ lastSequence: 0, lastHash: GENESIS_HASH }, undefined)).toEqual({ valid: true, checked: 0 });
  });

  it('detects entries removed from the end through the head', () => {
    expect(verdictAtEnd({ lastSequence: 12, lastHash: Buffer.alloc(32, 5) }, { sequence: 10, hash: Buffer.alloc(32, 4) })).toEqual({
      valid: false,
      checked: 10,
      firstBrokenSequence: 11,
      reason: 'sequence_gap',
      detail: 'Entries 11–12 are missing from the end of the log.',
    });
    expect(verdictAtEnd({ lastSequence: 2, lastHash: Buffer.alloc(32, 5) }, undefined)).toMatchObject({ firstBrokenSequence: 1, reason: 'sequence_gap' });
  });

  it('detects a rewritten last entry through the head', () => {
    expect(verdictAtEnd({ lastSequence: 12, lastHash: Buffer.alloc(32, 5) }, { sequence: 12, hash: Buffer.alloc(32, 6) })).toMatchObject({
      valid: false,
      checked: 12,
      firstBrokenSequence: 12,
      reason: 'head_mismatch',
    });
  });
});

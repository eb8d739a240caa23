import { createHash } from 'node:crypto';
import { AuditLinkFields, ChainVerifier, GENESIS_HASH, StoredAuditLink, canonicalDetails, canonicalEntry, canonicalJson, linkHash } from './audit-chain';

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

function chain(length: number): StoredAuditLink[] {
  const links: StoredAuditLink[] = [];
  let prev = GENESIS_HASH;
  for (let sequence = 1; sequence <= length; sequence += 1) {
    const f = { ...fields, sequence, id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`, detailsJson: `{"n":${sequence}}` };
    const hash = linkHash(prev, f);
    links.push({ ...f, prevHash: prev, hash });
    prev = hash;
  }
  return links;
}

function verify(links: StoredAuditLink[], head = { lastSequence: links.length, lastHash: links[links.length - 1]?.hash ?? GENESIS_HASH }) {
  const v = new ChainVerifier();
  for (const l of links) if (!v.push(l)) break;
  return v.finish(head);
}

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

  it('gives stored jsonb text back its canonical form whatever its spacing and key order', () => {
    expect(canonicalDetails('{"b": 1, "a": [1, 2]}')).toBe('{"a":[1,2],"b":1}');
    expect(canonicalDetails('{}')).toBe('{}');
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

describe('ChainVerifier', () => {
  it('accepts an intact chain and an empty one', () => {
    expect(verify(chain(5))).toEqual({ valid: true, checked: 5 });
    expect(verify([])).toEqual({ valid: true, checked: 0 });
  });

  it('names an edited entry as a hash mismatch', () => {
    const links = chain(5);
    links[2] = { ...(links[2] as StoredAuditLink), detailsJson: '{"n":999}' };
    expect(verify(links)).toMatchObject({ valid: false, checked: 2, firstBrokenSequence: 3, reason: 'hash_mismatch' });
  });

  it('names the next entry when an edited entry was re-hashed to hide the edit', () => {
    const links = chain(5);
    const edited = { ...(links[2] as StoredAuditLink), detailsJson: '{"n":999}' };
    links[2] = { ...edited, hash: linkHash(edited.prevHash, edited) };
    expect(verify(links)).toMatchObject({ valid: false, checked: 3, firstBrokenSequence: 4, reason: 'prev_hash_mismatch' });
  });

  it('names the first missing sequence when entries were deleted', () => {
    const links = chain(6);
    links.splice(2, 2);
    expect(verify(links)).toMatchObject({ valid: false, checked: 2, firstBrokenSequence: 3, reason: 'sequence_gap', detail: expect.stringMatching(/Entries 3–4 are missing/) });
  });

  it('names sequence 1 when the chain does not start at 1', () => {
    expect(verify(chain(3).slice(1), { lastSequence: 3, lastHash: Buffer.alloc(32) })).toMatchObject({ firstBrokenSequence: 1, reason: 'sequence_gap' });
  });

  it('names a cut when a deleted entry was replaced by a forged one with the right sequence', () => {
    const links = chain(4);
    const forged = { ...(links[1] as StoredAuditLink), prevHash: Buffer.alloc(32, 7) };
    links[1] = { ...forged, hash: linkHash(forged.prevHash, forged) };
    expect(verify(links)).toMatchObject({ firstBrokenSequence: 2, reason: 'prev_hash_mismatch' });
  });

  it('detects entries removed from the end through the chain head', () => {
    const links = chain(5);
    const head = { lastSequence: 5, lastHash: (links[4] as StoredAuditLink).hash };
    expect(verify(links.slice(0, 3), head)).toMatchObject({ valid: false, checked: 3, firstBrokenSequence: 4, reason: 'sequence_gap' });
  });

  it('detects a re-hashed last entry through the chain head', () => {
    const links = chain(3);
    const head = { lastSequence: 3, lastHash: (links[2] as StoredAuditLink).hash };
    const edited = { ...(links[2] as StoredAuditLink), detailsJson: '{"n":0}' };
    links[2] = { ...edited, hash: linkHash(edited.prevHash, edited) };
    expect(verify(links, head)).toMatchObject({ valid: false, checked: 3, firstBrokenSequence: 3, reason: 'head_mismatch' });
  });

  it('stops at the first break and ignores what follows', () => {
    const links = chain(5);
    links[1] = { ...(links[1] as StoredAuditLink), actorRole: 'auditor' };
    links[3] = { ...(links[3] as StoredAuditLink), actorRole: 'auditor' };
    const v = new ChainVerifier();
    expect(links.map((l) => v.push(l))).toEqual([true, false, false, false, false]);
    expect(v.finish({ lastSequence: 5, lastHash: Buffer.alloc(32) })).toMatchObject({ firstBrokenSequence: 2, reason: 'hash_mismatch' });
  });
});

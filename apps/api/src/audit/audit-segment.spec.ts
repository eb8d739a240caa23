import { type AuditLinkFields, GENESIS_HASH, canonicalEntry, linkHash } from './audit-chain';
import { SegmentLineChecker, lineCanonical, segmentLine, segmentStorageKey } from './audit-segment';

function entry(sequence: number, details = '{"n":1,"note":"é \\"quoted\\"\\n"}'): AuditLinkFields {
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    sequence,
    occurredAt: '2026-11-27T10:00:00.000Z',
    actorType: 'system',
    actorId: 'test',
    actorRole: null,
    action: 'test.event',
    subjectType: null,
    subjectId: null,
    requestId: null,
    ip: '203.0.113.9',
    detailsJson: details,
  };
}

/** A chain of `n` entries starting at `first`, as segment lines, with the hashes. */
function chain(first: number, n: number, prev = GENESIS_HASH): { lines: string[]; hashes: Buffer[] } {
  const lines: string[] = [];
  const hashes: Buffer[] = [];
  for (let s = first; s < first + n; s += 1) {
    const e = entry(s);
    const hash = linkHash(prev, e);
    lines.push(segmentLine(canonicalEntry(e), prev, hash).trimEnd());
    hashes.push(hash);
    prev = hash;
  }
  return { lines, hashes };
}

function check(lines: string[], boundary: ConstructorParameters<typeof SegmentLineChecker>[0]) {
  const checker = new SegmentLineChecker(boundary);
  for (const l of lines) {
    const p = checker.next(l);
    if (p) return p;
  }
  return checker.end();
}

describe('audit-log segment files', () => {
  it('write each entry as its exact canonical text with its hashes, one per line', () => {
    const e = entry(1);
    const line = segmentLine(canonicalEntry(e), GENESIS_HASH, linkHash(GENESIS_HASH, e));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.startsWith(`{"entry":${canonicalEntry(e)},"hash":"`)).toBe(true);
    const parsed = JSON.parse(line) as { entry: Parameters<typeof lineCanonical>[0] };
    expect(lineCanonical(parsed.entry)).toBe(canonicalEntry(e));
  });

  it('accept an intact segment that links to the previous one and ends on its recorded hash', () => {
    const before = chain(1, 3);
    const { lines, hashes } = chain(4, 5, before.hashes[2]);
    expect(check(lines, { firstSequence: 4, lastSequence: 8, firstPrevHash: before.hashes[2]!, lastHash: hashes[4]! })).toBeUndefined();
  });

  it('find an edited entry, a removed line, a wrong link and a wrong recorded end', () => {
    const { lines, hashes } = chain(1, 4);
    const boundary = { firstSequence: 1, lastSequence: 4, firstPrevHash: GENESIS_HASH, lastHash: hashes[3]! };
    const edited = [...lines];
    edited[2] = edited[2]!.replace('"action":"test.event"', '"action":"test.other"');
    expect(check(edited, boundary)).toMatchObject({ sequence: 3, reason: 'hash_mismatch' });
    expect(check([lines[0]!, lines[2]!, lines[3]!], boundary)).toMatchObject({ sequence: 2, reason: 'sequence_gap' });
    expect(check(lines, { ...boundary, firstPrevHash: Buffer.alloc(32, 1) })).toMatchObject({ sequence: 1, reason: 'prev_hash_mismatch' });
    expect(check(lines.slice(0, 3), boundary)).toMatchObject({ sequence: 4, reason: 'sequence_gap' });
    expect(check(lines, { ...boundary, lastHash: hashes[2]! })).toMatchObject({ sequence: 4, reason: 'segment_mismatch' });
    expect(check(['not json', ...lines.slice(1)], boundary)).toMatchObject({ sequence: 1, reason: 'segment_mismatch' });
  });

  it('verify a version 1 entry followed by version 2 entries (clear, sealed and no address), and find a changed sealed address or version', () => {
    const sealed = Buffer.from('sealed address bytes, long enough that base64 would wrap at 76 characters in PostgreSQL').toString('base64');
    const entries: AuditLinkFields[] = [
      entry(1),
      { ...entry(2), formatVersion: 2, ipSealed: null },
      { ...entry(3), formatVersion: 2, actorType: 'user', ip: null, ipSealed: sealed },
      { ...entry(4), formatVersion: 2, actorType: 'user', ip: null, ipSealed: null },
    ];
    let prev = GENESIS_HASH;
    const lines: string[] = [];
    for (const e of entries) {
      const hash = linkHash(prev, e);
      lines.push(segmentLine(canonicalEntry(e), prev, hash).trimEnd());
      prev = hash;
    }
    expect(lines[0]).not.toContain('"format"');
    expect(lines[2]).toContain(`"format":2,"id":"${entries[2]!.id}","ip":null,"ipSealed":"${sealed}"`);
    const boundary = { firstSequence: 1, lastSequence: 4, firstPrevHash: GENESIS_HASH, lastHash: prev };
    expect(check(lines, boundary)).toBeUndefined();

    const other = Buffer.from('other sealed bytes').toString('base64');
    const tampered = [...lines];
    tampered[2] = tampered[2]!.replace(sealed, other);
    expect(check(tampered, boundary)).toMatchObject({ sequence: 3, reason: 'hash_mismatch' });
    const downgraded = [...lines];
    downgraded[1] = downgraded[1]!.replace('"format":2,', '');
    expect(check(downgraded, boundary)).toMatchObject({ sequence: 2, reason: 'hash_mismatch' });
    const dropped = [...lines];
    dropped[2] = dropped[2]!.replace('"format":2,', '');
    expect(check(dropped, boundary)).toMatchObject({ sequence: 3, reason: 'hash_mismatch' });
  });

  it('name segment files by their zero-padded range, so they list in order', () => {
    expect(segmentStorageKey(1, 250)).toBe('audit-archive/segment-000000000001-000000000250.jsonl');
    expect(segmentStorageKey(251, 999) < segmentStorageKey(1000, 2000)).toBe(true);
  });
});

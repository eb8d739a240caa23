import {
  addBusinessTime,
  buildReport,
  businessTimeBetween,
  csvCell,
  judgeAttachment,
  median,
  parseBusinessHours,
  pauseChange,
  percentile,
  reportCsv,
  safeFileName,
  slaState,
  sniffAttachmentType,
  staffStatusChange,
  statusAfterStaffReply,
  statusAfterUserMessage,
} from './support-rules';

const hours = parseBusinessHours('Mon-Fri 09:00-17:00');
const H = 3600_000;
// 2026-11-27 is a Friday.
const fri = (hhmm: string): Date => new Date(`2026-11-27T${hhmm}:00.000Z`);

describe('business hours', () => {
  it('parses day ranges, wrapping ones included, and refuses nonsense', () => {
    expect([...hours.days].sort()).toEqual([1, 2, 3, 4, 5]);
    expect([...parseBusinessHours('Sun-Thu 08:00-16:00').days].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(() => parseBusinessHours('Mon-Fri 17:00-09:00')).toThrow(/end after/);
    expect(() => parseBusinessHours('weekdays')).toThrow(/look like/);
  });

  it('adds business time within a day, across the evening and over the weekend', () => {
    expect(addBusinessTime(fri('10:00'), 2 * H, hours).toISOString()).toBe('2026-11-27T12:00:00.000Z');
    // 16:00 Friday + 2h = 1h Friday + 1h Monday.
    expect(addBusinessTime(fri('16:00'), 2 * H, hours).toISOString()).toBe('2026-11-30T10:00:00.000Z');
    // Opened on Saturday: the clock starts Monday 09:00.
    expect(addBusinessTime(new Date('2026-11-28T12:00:00Z'), H, hours).toISOString()).toBe('2026-11-30T10:00:00.000Z');
    // Opened before hours on Friday.
    expect(addBusinessTime(fri('06:00'), 30 * 60_000, hours).toISOString()).toBe('2026-11-27T09:30:00.000Z');
    // A full 40-hour week.
    expect(addBusinessTime(new Date('2026-11-30T09:00:00Z'), 40 * H, hours).toISOString()).toBe('2026-12-04T17:00:00.000Z');
  });

  it('measures business time between two instants', () => {
    expect(businessTimeBetween(fri('16:00'), new Date('2026-11-30T10:00:00Z'), hours)).toBe(2 * H);
    expect(businessTimeBetween(fri('18:00'), fri('20:00'), hours)).toBe(0);
    expect(businessTimeBetween(fri('12:00'), fri('11:00'), hours)).toBe(0);
  });

  it('handles a schedule of a single short day', () => {
    expect(parseBusinessHours('Sat-Sat 10:00-11:00').days.size).toBe(1);
    expect(addBusinessTime(fri('10:00'), H, parseBusinessHours('Sat-Sat 10:00-11:00')).toISOString()).toBe('2026-11-28T11:00:00.000Z');
  });
});

describe('SLA state', () => {
  const policy = { firstResponseMinutes: 60, resolutionMinutes: 240 };
  const base = { createdAt: fri('10:00'), pausedBusinessSeconds: 0, pausedSince: null, firstRespondedAt: null, solvedAt: null };

  it('gives due times and breaches an open clock once now passes them', () => {
    const early = slaState(base, policy, hours, fri('10:30'));
    expect(early.firstResponseDueAt.toISOString()).toBe('2026-11-27T11:00:00.000Z');
    expect(early.resolutionDueAt?.toISOString()).toBe('2026-11-27T14:00:00.000Z');
    expect(early.firstResponseBreached).toBe(false);
    const late = slaState(base, policy, hours, fri('11:01'));
    expect(late.firstResponseBreached).toBe(true);
    expect(late.resolutionBreached).toBe(false);
  });

  it('judges an answered clock by when the answer came', () => {
    const s = slaState({ ...base, firstRespondedAt: fri('10:59'), solvedAt: fri('15:00') }, policy, hours, fri('16:00'));
    expect(s.firstResponseBreached).toBe(false);
    expect(s.resolutionBreached).toBe(true);
  });

  it('pauses the resolution clock while pending and extends it by the paused business time', () => {
    const paused = slaState({ ...base, pausedSince: fri('11:00') }, policy, hours, new Date('2026-12-02T12:00:00Z'));
    expect(paused.paused).toBe(true);
    expect(paused.resolutionDueAt).toBeNull();
    expect(paused.resolutionBreached).toBe(false);
    const resumed = slaState({ ...base, pausedBusinessSeconds: 2 * 3600 }, policy, hours, fri('15:00'));
    expect(resumed.resolutionDueAt?.toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(resumed.resolutionBreached).toBe(false);
  });
});

describe('status transitions', () => {
  it('lets agents move tickets along but never out of closed or back to new', () => {
    expect(staffStatusChange('new', 'pending')).toEqual({ ok: true, to: 'pending' });
    expect(staffStatusChange('solved', 'closed')).toEqual({ ok: true, to: 'closed' });
    expect(staffStatusChange('closed', 'open').ok).toBe(false);
    expect(staffStatusChange('open', 'new').ok).toBe(false);
    expect(staffStatusChange('open', 'closed').ok).toBe(false);
  });

  it('reopens pending and solved tickets on a user message and refuses closed ones', () => {
    expect(statusAfterUserMessage('solved')).toEqual({ ok: true, to: 'open' });
    expect(statusAfterUserMessage('pending')).toEqual({ ok: true, to: 'open' });
    expect(statusAfterUserMessage('new')).toEqual({ ok: true, to: 'new' });
    expect(statusAfterUserMessage('closed').ok).toBe(false);
  });

  it('opens a new ticket on the first reply and refuses replies to closed tickets', () => {
    expect(statusAfterStaffReply('new', undefined)).toEqual({ ok: true, to: 'open' });
    expect(statusAfterStaffReply('open', 'pending')).toEqual({ ok: true, to: 'pending' });
    expect(statusAfterStaffReply('closed', undefined).ok).toBe(false);
  });

  it('starts and ends the pause around pending', () => {
    expect(pauseChange('open', 'pending')).toBe('start');
    expect(pauseChange('pending', 'open')).toBe('end');
    expect(pauseChange('pending', 'solved')).toBe('end');
    expect(pauseChange('open', 'solved')).toBe('none');
  });
});

describe('attachments', () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(20)]);
  it('recognises files by their bytes', () => {
    expect(sniffAttachmentType(png)).toBe('image/png');
    expect(sniffAttachmentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1]))).toBe('image/jpeg');
    expect(sniffAttachmentType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffAttachmentType(Buffer.from('héllo\nworld\n'))).toBe('text/plain');
    expect(sniffAttachmentType(Buffer.from([0x4d, 0x5a, 0x90, 0x00]))).toBeNull();
    expect(sniffAttachmentType(Buffer.from([0xc3, 0x28]))).toBeNull();
  });

  it('refuses a declared type the bytes contradict, types not allowed and files over 10 MB', () => {
    expect(judgeAttachment('image/png', png)).toEqual({ ok: true, type: 'image/png' });
    expect(judgeAttachment('image/png', Buffer.from('<script>alert(1)</script>'))).toMatchObject({ ok: false, code: 'ATTACHMENT_TYPE_NOT_ALLOWED' });
    expect(judgeAttachment('text/html', Buffer.from('<b>x</b>'))).toMatchObject({ ok: false, code: 'ATTACHMENT_TYPE_NOT_ALLOWED' });
    expect(judgeAttachment('text/plain; charset=utf-8', Buffer.from('ok'))).toEqual({ ok: true, type: 'text/plain' });
    expect(judgeAttachment('text/plain', Buffer.alloc(10 * 1024 * 1024 + 1, 0x61))).toMatchObject({ ok: false, code: 'ATTACHMENT_TOO_LARGE' });
  });

  it('keeps only a safe base name', () => {
    expect(safeFileName('../../etc/passwd', 'text/plain')).toBe('passwd');
    expect(safeFileName('C:\\Users\\me\\shot.png', 'image/png')).toBe('shot.png');
    expect(safeFileName('\u0000', 'application/pdf')).toBe('attachment.pdf');
    expect(safeFileName(undefined, 'image/jpeg')).toBe('attachment.jpg');
  });
});

describe('report statistics', () => {
  it('computes median and p90 as percentile_cont does', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([1, 3, 2, 4])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
    expect(percentile([10, 20], 0.9)).toBe(19);
  });

  it('groups by category and agent with breach rates', () => {
    const rows = buildReport([
      { category: 'billing', assigneeId: 'a', firstResponseSeconds: 60, resolutionSeconds: 600, breached: false },
      { category: 'billing', assigneeId: 'a', firstResponseSeconds: 120, resolutionSeconds: null, breached: true },
      { category: 'other', assigneeId: null, firstResponseSeconds: null, resolutionSeconds: null, breached: false },
    ]);
    expect(rows[0]).toMatchObject({ dimension: 'total', volume: 3, breached: 1, firstResponseMedianSeconds: 90 });
    expect(rows[0]?.breachRate).toBeCloseTo(1 / 3);
    expect(rows.find((r) => r.key === 'billing')).toMatchObject({ volume: 2, breachRate: 0.5, resolutionMedianSeconds: 600 });
    expect(rows.find((r) => r.key === 'privacy')).toMatchObject({ volume: 0, breachRate: null, firstResponseMedianSeconds: null });
    expect(rows.filter((r) => r.dimension === 'agent').map((r) => [r.key, r.volume])).toEqual([
      ['a', 2],
      ['unassigned', 1],
    ]);
  });

  it('writes CSV that spreadsheets will not execute', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    const csv = reportCsv(buildReport([]));
    expect(csv.split('\r\n')[0]).toBe('dimension,key,volume,firstResponseMedianSeconds,firstResponseP90Seconds,resolutionMedianSeconds,resolutionP90Seconds,breached,breachRate');
    expect(csv).toContain('total,all,0,,,,,0,');
  });
});

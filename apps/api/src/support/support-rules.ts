// The support desk's rules: business-hours SLA clocks, status transitions, attachment sniffing and
// report statistics. Pure: no I/O, no clock (every function takes `now` when it needs one).

export const TICKET_CATEGORIES = ['generation_problem', 'billing', 'account', 'privacy', 'security_report', 'other'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];
export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
/** Categories a person who cannot sign in may open by email with a code. */
export const GUEST_CATEGORIES = ['account', 'security_report'] as const;
export type GuestCategory = (typeof GUEST_CATEGORIES)[number];

/** Security reports are always urgent; everything else starts at normal (agents change it). */
export function initialPriority(category: TicketCategory): TicketPriority {
  return category === 'security_report' ? 'urgent' : 'normal';
}

/** A priority change is refused for security reports, which stay urgent. */
export function priorityChangeAllowed(category: TicketCategory, to: TicketPriority): boolean {
  return category !== 'security_report' || to === 'urgent';
}

// ---------------------------------------------------------------------------------------------
// Business hours

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** A search for business time never looks further ahead than this (ten years). */
const MAX_DAYS = 3660;

export interface BusinessHours {
  /** Days of the week (0 = Sunday, as Date#getUTCDay) that have business hours. */
  days: ReadonlySet<number>;
  /** Minutes after midnight UTC when the business day starts and ends (end exclusive). */
  startMinute: number;
  endMinute: number;
}

/** Parses "Mon-Fri 09:00-17:00" (UTC; a day range may wrap, e.g. "Sun-Thu"). */
export function parseBusinessHours(text: string): BusinessHours {
  const m = /^(\w{3})-(\w{3}) (\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text.trim());
  const first = m ? DAY_NAMES.indexOf(m[1] as (typeof DAY_NAMES)[number]) : -1;
  const last = m ? DAY_NAMES.indexOf(m[2] as (typeof DAY_NAMES)[number]) : -1;
  if (!m || first < 0 || last < 0) throw new Error(`Business hours must look like "Mon-Fri 09:00-17:00" (got "${text}").`);
  const startMinute = Number(m[3]) * 60 + Number(m[4]);
  const endMinute = Number(m[5]) * 60 + Number(m[6]);
  if (startMinute >= endMinute || endMinute > 24 * 60) throw new Error(`Business hours must end after they start, by midnight at the latest (got "${text}").`);
  const days = new Set<number>();
  for (let d = first; ; d = (d + 1) % 7) {
    days.add(d);
    if (d === last) break;
  }
  return { days, startMinute, endMinute };
}

function dayStart(t: number): number {
  return Math.floor(t / DAY) * DAY;
}

/** The instant `ms` milliseconds of business time after `from` (from itself when ms ≤ 0 and inside hours). */
export function addBusinessTime(from: Date, ms: number, hours: BusinessHours): Date {
  let remaining = Math.max(0, ms);
  let cursor = from.getTime();
  for (let i = 0; i < MAX_DAYS; i++) {
    const day = dayStart(cursor);
    if (hours.days.has(new Date(day).getUTCDay())) {
      const open = day + hours.startMinute * MINUTE;
      const close = day + hours.endMinute * MINUTE;
      const start = Math.max(cursor, open);
      if (start < close) {
        if (remaining <= close - start) return new Date(start + remaining);
        remaining -= close - start;
      }
    }
    cursor = day + DAY;
  }
  throw new Error('No business hours found within ten years: check the business-hours setting.');
}

/** Business time (ms) between two instants; 0 when `to` is not after `from`. */
export function businessTimeBetween(from: Date, to: Date, hours: BusinessHours): number {
  const end = to.getTime();
  let cursor = from.getTime();
  let total = 0;
  for (let i = 0; cursor < end && i < MAX_DAYS * 3; i++) {
    const day = dayStart(cursor);
    if (hours.days.has(new Date(day).getUTCDay())) {
      const open = day + hours.startMinute * MINUTE;
      const close = day + hours.endMinute * MINUTE;
      const a = Math.max(cursor, open);
      const b = Math.min(end, close);
      if (b > a) total += b - a;
    }
    cursor = day + DAY;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// SLA

export interface SlaPolicy {
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

export interface SlaInput {
  createdAt: Date;
  /** Business time already spent paused (pending on the user), in seconds. */
  pausedBusinessSeconds: number;
  /** Set while the ticket is pending: the resolution clock stopped then. */
  pausedSince: Date | null;
  firstRespondedAt: Date | null;
  solvedAt: Date | null;
}

export interface SlaState {
  firstResponseDueAt: Date;
  /** Null while paused: the due time moves for as long as the ticket waits on the user. */
  resolutionDueAt: Date | null;
  firstResponseBreached: boolean;
  resolutionBreached: boolean;
  paused: boolean;
}

/**
 * Due times and breach flags. First response is due `firstResponseMinutes` business minutes after
 * the ticket was opened; resolution `resolutionMinutes` plus the business time spent pending. A
 * breach is final once the first response (or the solution) came late; an open clock breaches when
 * `now` passes its due time. While pending, the resolution clock is judged as at the pause.
 */
export function slaState(input: SlaInput, policy: SlaPolicy, hours: BusinessHours, now: Date): SlaState {
  const firstResponseDueAt = addBusinessTime(input.createdAt, policy.firstResponseMinutes * MINUTE, hours);
  const resolutionDue = addBusinessTime(input.createdAt, policy.resolutionMinutes * MINUTE + input.pausedBusinessSeconds * 1000, hours);
  const paused = input.pausedSince !== null && input.solvedAt === null;
  const responseAt = input.firstRespondedAt ?? now;
  const resolutionAt = input.solvedAt ?? (paused ? (input.pausedSince as Date) : now);
  return {
    firstResponseDueAt,
    resolutionDueAt: paused ? null : resolutionDue,
    firstResponseBreached: responseAt.getTime() > firstResponseDueAt.getTime(),
    resolutionBreached: resolutionAt.getTime() > resolutionDue.getTime(),
    paused,
  };
}

// ---------------------------------------------------------------------------------------------
// Status transitions

const STAFF_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ['open', 'pending', 'on_hold', 'solved'],
  open: ['pending', 'on_hold', 'solved'],
  pending: ['open', 'on_hold', 'solved'],
  on_hold: ['open', 'pending', 'solved'],
  solved: ['open', 'closed'],
  closed: [],
};

export type StatusVerdict = { ok: true; to: TicketStatus } | { ok: false; message: string };

/** A status an agent sets by hand (or with a reply). Closed is final: a new ticket is opened instead. */
export function staffStatusChange(from: TicketStatus, to: TicketStatus): StatusVerdict {
  if (from === to) return { ok: true, to };
  if (from === 'closed') return { ok: false, message: 'The ticket is closed; closed tickets do not change. Ask the user to open a new ticket.' };
  if (to === 'new') return { ok: false, message: 'A ticket cannot go back to new.' };
  if (!STAFF_TRANSITIONS[from].includes(to)) return { ok: false, message: `A ${from} ticket cannot become ${to}.` };
  return { ok: true, to };
}

/** The status after the user writes: pending and solved tickets (re)open; closed ones refuse the message. */
export function statusAfterUserMessage(from: TicketStatus): StatusVerdict {
  switch (from) {
    case 'closed':
      return { ok: false, message: 'This ticket is closed and takes no more messages. Open a new ticket, and mention this one.' };
    case 'pending':
    case 'solved':
      return { ok: true, to: 'open' };
    default:
      return { ok: true, to: from };
  }
}

/** The status after an agent's public reply: a new ticket opens unless the agent asks for another status. */
export function statusAfterStaffReply(from: TicketStatus, requested: TicketStatus | undefined): StatusVerdict {
  if (from === 'closed') return { ok: false, message: 'This ticket is closed; replies to closed tickets are not sent.' };
  return staffStatusChange(from, requested ?? (from === 'new' ? 'open' : from));
}

/** The pause bookkeeping a status change implies: entering pending starts it, leaving pending ends it. */
export function pauseChange(from: TicketStatus, to: TicketStatus): 'start' | 'end' | 'none' {
  if (from !== 'pending' && to === 'pending') return 'start';
  if (from === 'pending' && to !== 'pending') return 'end';
  return 'none';
}

// ---------------------------------------------------------------------------------------------
// Attachments

export const ATTACHMENT_TYPES = ['image/png', 'image/jpeg', 'application/pdf', 'text/plain'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** The type the bytes themselves show (magic numbers; text is UTF-8 without binary control bytes), or null. */
export function sniffAttachmentType(bytes: Buffer): AttachmentType | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes.length > 0 && isPlainText(bytes)) return 'text/plain';
  return null;
}

function isPlainText(bytes: Buffer): boolean {
  for (const b of bytes) {
    // NUL and control bytes other than tab, newline, form feed and carriage return mark binary data.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) return false;
    if (b === 0x7f) return false;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export type AttachmentVerdict = { ok: true; type: AttachmentType } | { ok: false; code: 'ATTACHMENT_TOO_LARGE' | 'ATTACHMENT_TYPE_NOT_ALLOWED'; message: string };

/** Judges an upload: size, declared type among the allowed ones, and the bytes agreeing with it. */
export function judgeAttachment(declaredType: string | undefined, bytes: Buffer): AttachmentVerdict {
  if (bytes.length > MAX_ATTACHMENT_BYTES) return { ok: false, code: 'ATTACHMENT_TOO_LARGE', message: 'Attachments are limited to 10 MB each.' };
  const declared = (declaredType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!(ATTACHMENT_TYPES as readonly string[]).includes(declared)) {
    return { ok: false, code: 'ATTACHMENT_TYPE_NOT_ALLOWED', message: `Attach PNG, JPEG, PDF or plain-text files only (the upload says "${declared || 'no type'}").` };
  }
  const sniffed = sniffAttachmentType(bytes);
  if (sniffed !== declared) {
    return { ok: false, code: 'ATTACHMENT_TYPE_NOT_ALLOWED', message: `The file's content is not ${declared}: attach PNG, JPEG, PDF or plain-text files only.` };
  }
  return { ok: true, type: sniffed };
}

/** A file name safe to store and show: no path, no control characters, at most 200 characters. */
export function safeFileName(raw: string | undefined, type: AttachmentType): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069"]/g, '').trim().slice(0, 200);
  if (clean && clean !== '.' && clean !== '..') return clean;
  const ext = { 'image/png': 'png', 'image/jpeg': 'jpg', 'application/pdf': 'pdf', 'text/plain': 'txt' }[type];
  return `attachment.${ext}`;
}

// ---------------------------------------------------------------------------------------------
// Report statistics

/** The p-th percentile (0–1) by linear interpolation between closest ranks, as PostgreSQL's percentile_cont; null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

export interface ReportTicket {
  category: TicketCategory;
  /** Assignee staff id; null when unassigned. */
  assigneeId: string | null;
  /** Seconds from opening to the first public reply; null when none yet. */
  firstResponseSeconds: number | null;
  /** Seconds from opening to solved; null when not solved. */
  resolutionSeconds: number | null;
  breached: boolean;
}

export interface ReportRow {
  dimension: 'total' | 'category' | 'agent';
  key: string;
  volume: number;
  firstResponseMedianSeconds: number | null;
  firstResponseP90Seconds: number | null;
  resolutionMedianSeconds: number | null;
  resolutionP90Seconds: number | null;
  breached: number;
  /** Breached tickets / volume, 0–1; null for no tickets. */
  breachRate: number | null;
}

function summarise(dimension: ReportRow['dimension'], key: string, tickets: readonly ReportTicket[]): ReportRow {
  const fr = tickets.map((t) => t.firstResponseSeconds).filter((v): v is number => v !== null);
  const res = tickets.map((t) => t.resolutionSeconds).filter((v): v is number => v !== null);
  const breached = tickets.filter((t) => t.breached).length;
  const round = (v: number | null): number | null => (v === null ? null : Math.round(v));
  return {
    dimension,
    key,
    volume: tickets.length,
    firstResponseMedianSeconds: round(median(fr)),
    firstResponseP90Seconds: round(percentile(fr, 0.9)),
    resolutionMedianSeconds: round(median(res)),
    resolutionP90Seconds: round(percentile(res, 0.9)),
    breached,
    breachRate: tickets.length === 0 ? null : breached / tickets.length,
  };
}

/** Totals, then one row per category (every category, even empty) and one per agent (`unassigned` for none). */
export function buildReport(tickets: readonly ReportTicket[]): ReportRow[] {
  const rows: ReportRow[] = [summarise('total', 'all', tickets)];
  for (const c of TICKET_CATEGORIES) rows.push(summarise('category', c, tickets.filter((t) => t.category === c)));
  const agents = [...new Set(tickets.map((t) => t.assigneeId ?? 'unassigned'))].sort();
  for (const a of agents) rows.push(summarise('agent', a, tickets.filter((t) => (t.assigneeId ?? 'unassigned') === a)));
  return rows;
}

/** One CSV cell: quoted when needed, and a leading =, +, - or @ neutralised so spreadsheets do not run it. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const REPORT_CSV_COLUMNS = [
  'dimension',
  'key',
  'volume',
  'firstResponseMedianSeconds',
  'firstResponseP90Seconds',
  'resolutionMedianSeconds',
  'resolutionP90Seconds',
  'breached',
  'breachRate',
] as const;

export function reportCsv(rows: readonly ReportRow[]): string {
  const lines = [REPORT_CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(REPORT_CSV_COLUMNS.map((c) => csvCell(c === 'breachRate' && r.breachRate !== null ? Number(r.breachRate.toFixed(4)) : r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The longest report period, so one request cannot ask for every ticket ever. */
export const MAX_REPORT_DAYS = 366;

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ValidationFailedException } from '../errors/domain.exception';
import { MAX_REPORT_DAYS, ReportRow, ReportTicket, TicketCategory, buildReport, reportCsv } from './support-rules';

export interface SupportReport {
  from: string;
  to: string;
  rows: ReportRow[];
  /** Display names of the agents keyed in the rows. */
  agents: Record<string, string>;
}

const DAY = 86_400_000;

/** Parses the period: `from` inclusive, `to` exclusive, ISO dates or times; default the last 30 days. */
export function parsePeriod(query: Record<string, unknown>, now: Date): { from: Date; to: Date } {
  const errors: Record<string, string> = {};
  const read = (name: 'from' | 'to'): Date | undefined => {
    const v = query[name];
    if (v === undefined || v === '') return undefined;
    const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? new Date(v) : new Date(NaN);
    if (Number.isNaN(d.getTime())) errors[name] = `${name} must be a date such as 2026-11-01 (or a full ISO time).`;
    return d;
  };
  const to = read('to') ?? now;
  const from = read('from') ?? new Date(to.getTime() - 30 * DAY);
  if (!errors.from && !errors.to) {
    if (from.getTime() >= to.getTime()) errors.to = 'to must be after from.';
    else if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * DAY) errors.to = `A report covers at most ${MAX_REPORT_DAYS} days.`;
  }
  if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
  return { from, to };
}

/** Volume, response and resolution times and breach rates of the tickets opened in a period. */
@Injectable()
export class SupportReportsService {
  constructor(private readonly dataSource: DataSource) {}

  async report(query: Record<string, unknown>): Promise<SupportReport> {
    const { from, to } = parsePeriod(query, new Date());
    const rows = (await this.dataSource.query(
      `SELECT t.category, t.assignee_id AS "assigneeId",
              EXTRACT(EPOCH FROM (t.first_responded_at - t.created_at))::float8 AS "firstResponseSeconds",
              EXTRACT(EPOCH FROM (t.solved_at - t.created_at))::float8 AS "resolutionSeconds",
              (t.first_response_breached OR t.resolution_breached
                OR (t.first_responded_at IS NULL AND t.first_response_due_at < now() AND t.status NOT IN ('solved','closed'))
                OR (t.solved_at IS NULL AND t.status NOT IN ('pending','solved','closed') AND t.resolution_due_at < now())) AS breached
         FROM support_tickets t WHERE t.created_at >= $1 AND t.created_at < $2`,
      [from, to],
    )) as Array<{ category: TicketCategory; assigneeId: string | null; firstResponseSeconds: number | null; resolutionSeconds: number | null; breached: boolean }>;
    const tickets: ReportTicket[] = rows.map((r) => ({ ...r }));
    const ids = [...new Set(rows.map((r) => r.assigneeId).filter((v): v is string => v !== null))];
    const names = ids.length
      ? ((await this.dataSource.query(`SELECT id, display_name AS name FROM staff WHERE id = ANY($1)`, [ids])) as Array<{ id: string; name: string }>)
      : [];
    return { from: from.toISOString(), to: to.toISOString(), rows: buildReport(tickets), agents: Object.fromEntries(names.map((n) => [n.id, n.name])) };
  }

  async csv(query: Record<string, unknown>): Promise<string> {
    const r = await this.report(query);
    return reportCsv(r.rows.map((row) => (row.dimension === 'agent' && r.agents[row.key] ? { ...row, key: `${r.agents[row.key]} (${row.key})` } : row)));
  }
}

import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { ClientInfo } from '../identity/client-info';
import { CODE_VERIFY_PER_IP, RateLimitRule, clientNetworkKey } from '../identity/rate-limit';
import { RateLimitService } from '../identity/rate-limit.service';
import { throwForVerdict } from '../identity/user-sign-in.service';
import { CODE_TTL_SECONDS, generateCode, judgeCode } from '../identity/verification-code';
import { VerificationKeyService } from '../identity/verification-key.service';
import { NotificationsService } from '../notifications/notifications.service';
import type { GuestCategory } from './support-rules';
import { TicketsService } from './tickets.service';
import { EmailLookupService } from '../identity/email-lookup.service';

/** Guest tickets asked for one address: enough for a retry, too few to flood an inbox. */
export const GUEST_TICKET_PER_EMAIL: RateLimitRule = { name: 'support-guest:email', limit: 5, windowSeconds: 3600 };
export const GUEST_TICKET_PER_IP: RateLimitRule = { name: 'support-guest:ip', limit: 20, windowSeconds: 3600 };

export interface GuestTicketRequested {
  requestId: string;
  message: string;
  expiresInSeconds: number;
}

export interface GuestTicketOpened {
  ticketNumber: number;
  message: string;
}

/**
 * Tickets from people who cannot sign in (account and security problems): the ticket waits until
 * the person proves they read the address by entering the emailed code. Every address gets the same
 * answer and the same work, so nothing tells whether it has an account; the ticket is linked to the
 * account of that address, if any, only once the code is shown.
 */
@Injectable()
export class GuestTicketsService {
  private readonly logger = new Logger('Support');

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: VerificationKeyService,
    private readonly rateLimits: RateLimitService,
    private readonly notifications: NotificationsService,
    private readonly tickets: TicketsService,
    private readonly audit: AuditService,
    private readonly emailLookup: EmailLookupService,
  ) {}

  private hash(id: string, email: string, code: string): Buffer {
    return this.keys.hmac('soar2/support-guest-code/v1', id, email, code);
  }

  async request(dto: { email: string; category: GuestCategory; subject: string; body: string }, client: ClientInfo): Promise<GuestTicketRequested> {
    await this.rateLimits.hit([
      { rule: GUEST_TICKET_PER_IP, key: clientNetworkKey(client.ip) },
      { rule: GUEST_TICKET_PER_EMAIL, key: dto.email },
    ]);
    const id = randomUUID();
    const code = generateCode();
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO support_guest_requests (id, email, category, subject, body, code_hash, expires_at) VALUES ($1,$2,$3,$4,$5,$6, now() + make_interval(secs => $7))`,
        [id, dto.email, dto.category, dto.subject, dto.body, this.hash(id, dto.email, code), CODE_TTL_SECONDS],
      );
      await this.notifications.enqueue(
        {
          kind: 'support.guest_code',
          class: 'service_critical',
          to: dto.email,
          subject: 'Confirm your Soar2 support request',
          text: [
            `Your code to send your support request is ${code}`,
            '',
            'Enter it where you wrote your request. It works once, for 10 minutes. We reply to this address.',
            '',
            'If you did not write to Soar2 support, ignore this email: nothing is sent without the code.',
          ].join('\n'),
          sensitive: true,
        },
        manager,
      );
    });
    return { requestId: id, message: 'If this address can receive email, a 6-digit code is on its way. Enter it to send your request.', expiresInSeconds: CODE_TTL_SECONDS };
  }

  async verify(requestId: string, code: string, client: ClientInfo): Promise<GuestTicketOpened> {
    await this.rateLimits.hit([{ rule: CODE_VERIFY_PER_IP, key: clientNetworkKey(client.ip) }]);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const [row] = (await manager.query(
        `SELECT id, email, category, subject, body, code_hash AS "codeHash", attempts, used_at IS NOT NULL AS used, expires_at <= now() AS expired
           FROM support_guest_requests WHERE id = $1 FOR UPDATE`,
        [requestId],
      )) as Array<{ id: string; email: string; category: GuestCategory; subject: string; body: string; codeHash: Buffer; attempts: number; used: boolean; expired: boolean }>;
      const candidate = this.hash(requestId, row?.email ?? 'nobody@invalid.invalid', code);
      const matches = row !== undefined && timingSafeEqual(candidate, row.codeHash);
      const judgement = judgeCode(row && { attempts: row.attempts, used: row.used, expired: row.expired }, matches);
      if (row && judgement.countAttempt) await manager.query(`UPDATE support_guest_requests SET attempts = attempts + 1 WHERE id = $1`, [row.id]);
      if (judgement.verdict !== 'accepted' || !row) return { kind: 'refused' as const, verdict: judgement.verdict === 'accepted' ? ('invalid' as const) : judgement.verdict };
      const [user] = (await manager.query(`SELECT id FROM users WHERE email_lookup = $1 AND status <> 'deleted'`, [this.emailLookup.of(row.email)])) as Array<{ id: string }>;
      const ticket = await this.tickets.create(
        { userId: user?.id ?? null, requesterEmail: row.email, channel: 'guest_email', subject: row.subject, body: row.body, category: row.category, jobIds: [] },
        manager,
      );
      // The draft's text now lives in the ticket; only the verification bookkeeping stays.
      await manager.query(`UPDATE support_guest_requests SET used_at = now(), ticket_id = $2, subject = '', body = '' WHERE id = $1`, [row.id, ticket.id]);
      await this.audit.record(
        { action: 'ticket.create', actor: user ? { type: 'user', id: user.id } : { type: 'anonymous' }, subject: { type: 'ticket', id: ticket.id }, details: { channel: 'guest_email', category: ticket.category } },
        manager,
      );
      return { kind: 'opened' as const, ticket };
    });
    if (outcome.kind === 'refused') return throwForVerdict(outcome.verdict, false);
    this.logger.log({ ticketId: outcome.ticket.id, category: outcome.ticket.category }, 'guest ticket opened');
    return { ticketNumber: Number(outcome.ticket.number), message: 'Thank you: your request is with Soar2 support. We reply by email.' };
  }

  /** Drops unconfirmed guest requests a day after their code expired. */
  async purge(): Promise<number> {
    const [row] = (await this.dataSource.query(
      `WITH gone AS (DELETE FROM support_guest_requests WHERE expires_at < now() - interval '24 hours' RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    )) as Array<{ n: number }>;
    return row?.n ?? 0;
  }
}

// The support desk's personal data about an end user (category `support.tickets`): their tickets,
// the messages they can see (their own and public replies), and their attachments.
import { redactText } from '@soar2/privacy';
import type { DataSource } from 'typeorm';
import type { ErasureOutcome, PersonalDataRecord, PersonalDataSource, PersonalDataSubject } from '../personal-data/personal-data.registry';
import type { StorageService } from '../storage/storage.service';
import type { SupportCipher } from './support-cipher';
import { anonymiseTickets } from './support-retention';
import { ATTACHMENT_COLUMNS, AttachmentRecord, MESSAGE_COLUMNS, MessageRecord, TICKET_COLUMNS, TicketRecord, isVisibleToUser } from './ticket-view';

export { ERASED_TEXT } from './ticket-view';
export const SUPPORT_PERSONAL_DATA_CATEGORY = 'support.tickets';

/**
 * Staff replies may name third parties (other users, staff): emails, IP addresses and secrets in
 * them are masked before they go in someone's package; the user's own words are exported as written.
 * Text is opened with the ticket's data key; sealed attachment files are opened by storage as the package reads them.
 */
export function supportPersonalDataSource(dataSource: DataSource, storage: StorageService, cipher: SupportCipher): PersonalDataSource {
  return {
    category: SUPPORT_PERSONAL_DATA_CATEGORY,
    description: 'Support tickets you opened, with your messages, our public replies and your attachments (internal staff notes are not included).',
    purposes: ['customer support', 'security'],
    sources: ['user', 'staff'],
    async *export(subject: PersonalDataSubject): AsyncIterable<PersonalDataRecord> {
      const records = (await dataSource.query(`SELECT ${TICKET_COLUMNS} FROM support_tickets t WHERE t.user_id = $1 ORDER BY t.created_at`, [subject.userId])) as TicketRecord[];
      for (const r of records) {
        const t = await cipher.ticket(r, 'lenient');
        const messages = await cipher.messages(
          t.dataKeyOwner,
          (await dataSource.query(
            `SELECT ${MESSAGE_COLUMNS} FROM support_ticket_messages m LEFT JOIN staff s ON s.id = m.author_staff_id WHERE m.ticket_id = $1 ORDER BY m.seq`,
            [t.id],
          )) as MessageRecord[],
          'lenient',
        );
        const attachments = await cipher.attachments(
          t.dataKeyOwner,
          (await dataSource.query(`SELECT ${ATTACHMENT_COLUMNS} FROM support_ticket_attachments a WHERE a.ticket_id = $1 ORDER BY a.created_at`, [t.id])) as AttachmentRecord[],
          'lenient',
        );
        yield {
          data: {
            id: t.id,
            number: Number(t.number),
            subject: t.subject,
            category: t.category,
            status: t.status,
            priority: t.priority,
            linkedJobIds: t.linkedJobIds,
            createdAt: t.createdAt.toISOString(),
            solvedAt: t.solvedAt?.toISOString() ?? null,
            closedAt: t.closedAt?.toISOString() ?? null,
            messages: {
              items: messages
                .filter((m) => isVisibleToUser(m.kind))
                .map((m) => ({
                  from: m.kind === 'public_reply' ? 'Soar2 Support' : 'you',
                  body: m.kind === 'public_reply' ? redactText(m.body) : m.body,
                  createdAt: m.createdAt.toISOString(),
                })),
            },
            attachments: attachments.map((a) => `${a.id}: ${a.fileName} (${a.contentType}, ${a.sizeBytes} bytes, sha256 ${a.sha256})`),
          },
          media: t.contentState === 'readable'
            ? attachments.map((a) => ({ path: `support/${t.id}/${a.id}-${a.fileName}`, storageKey: a.storageKey, contentType: a.contentType }))
            : [],
        };
      }
    },
    async erase(subject: PersonalDataSubject): Promise<ErasureOutcome> {
      return dataSource.transaction(async (manager) => {
        // The user's tickets (the erasure engine waits out holds on them), and guest tickets sent from the
        // account's address without an account link, unless a legal hold keeps that ticket.
        const tickets = (await manager.query(
          `SELECT t.id FROM support_tickets t WHERE t.user_id = $1
            OR (t.user_id IS NULL AND t.anonymised_at IS NULL AND t.requester_email = (SELECT email FROM users WHERE id = $1)
                AND NOT EXISTS (SELECT 1 FROM legal_holds lh WHERE lh.scope_type = 'ticket' AND lh.scope_id = t.id AND lh.released_at IS NULL
                                 AND (lh.expires_at IS NULL OR lh.expires_at > now())))`,
          [subject.userId],
        )) as Array<{ id: string }>;
        const ids = tickets.map((t) => t.id);
        const [{ files }] = (await manager.query(`SELECT count(*)::int AS files FROM support_ticket_attachments WHERE ticket_id = ANY($1::uuid[])`, [ids])) as [{ files: number }];
        // Ticket rows stay for the SLA reports (category, times, agent), emptied of everything about the person.
        await anonymiseTickets(ids, { storage, keys: cipher.keys }, manager);
        await manager.query(`UPDATE support_ticket_messages SET author_user_id = NULL, body = NULL, body_sealed = NULL WHERE author_user_id = $1`, [subject.userId]);
        const [{ guests }] = (await manager.query(
          `WITH gone AS (DELETE FROM support_guest_requests WHERE email = (SELECT email FROM users WHERE id = $1) RETURNING id) SELECT count(*)::int AS guests FROM gone`,
          [subject.userId],
        )) as [{ guests: number }];
        return {
          deleted: files + guests,
          anonymised: ids.length,
          retained: ids.length > 0 ? [{ count: ids.length, basis: 'Ticket timings, category and handling agent kept without any personal data, for support service reports.' }] : [],
        };
      });
    },
  };
}

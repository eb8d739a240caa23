// The support desk's personal data about an end user (category `support.tickets`): their tickets,
// the messages they can see (their own and public replies), and their attachments.
import { redactText } from '@soar2/privacy';
import type { DataSource } from 'typeorm';
import type { ErasureOutcome, PersonalDataRecord, PersonalDataSource, PersonalDataSubject } from '../personal-data/personal-data.registry';
import type { StorageService } from '../storage/storage.service';
import { ATTACHMENT_COLUMNS, AttachmentRow, MESSAGE_COLUMNS, MessageRow, TICKET_COLUMNS, TicketRow, isVisibleToUser } from './ticket-view';

export const SUPPORT_PERSONAL_DATA_CATEGORY = 'support.tickets';
export const ERASED_TEXT = '[erased]';

/**
 * Staff replies may name third parties (other users, staff): emails, IP addresses and secrets in
 * them are masked before they go in someone's package; the user's own words are exported as written.
 */
export function supportPersonalDataSource(dataSource: DataSource, storage: StorageService): PersonalDataSource {
  return {
    category: SUPPORT_PERSONAL_DATA_CATEGORY,
    description: 'Support tickets you opened, with your messages, our public replies and your attachments (internal staff notes are not included).',
    purposes: ['customer support', 'security'],
    sources: ['user', 'staff'],
    async *export(subject: PersonalDataSubject): AsyncIterable<PersonalDataRecord> {
      const tickets = (await dataSource.query(`SELECT ${TICKET_COLUMNS} FROM support_tickets t WHERE t.user_id = $1 ORDER BY t.created_at`, [subject.userId])) as TicketRow[];
      for (const t of tickets) {
        const messages = (await dataSource.query(
          `SELECT ${MESSAGE_COLUMNS} FROM support_ticket_messages m LEFT JOIN staff s ON s.id = m.author_staff_id WHERE m.ticket_id = $1 ORDER BY m.seq`,
          [t.id],
        )) as MessageRow[];
        const attachments = (await dataSource.query(`SELECT ${ATTACHMENT_COLUMNS} FROM support_ticket_attachments a WHERE a.ticket_id = $1 ORDER BY a.created_at`, [t.id])) as AttachmentRow[];
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
          media: attachments.map((a) => ({ path: `support/${t.id}/${a.id}-${a.fileName}`, storageKey: a.storageKey, contentType: a.contentType })),
        };
      }
    },
    async erase(subject: PersonalDataSubject): Promise<ErasureOutcome> {
      const attachments = (await dataSource.query(
        `SELECT a.id, a.storage_key AS "storageKey" FROM support_ticket_attachments a JOIN support_tickets t ON t.id = a.ticket_id WHERE t.user_id = $1`,
        [subject.userId],
      )) as Array<{ id: string; storageKey: string }>;
      for (const a of attachments) await storage.delete(a.storageKey);
      return dataSource.transaction(async (manager) => {
        const [{ deleted }] = (await manager.query(
          `WITH gone AS (DELETE FROM support_ticket_attachments a USING support_tickets t WHERE t.id = a.ticket_id AND t.user_id = $1 RETURNING a.id)
           SELECT count(*)::int AS deleted FROM gone`,
          [subject.userId],
        )) as [{ deleted: number }];
        // Ticket rows stay for the SLA reports (category, times, agent), emptied of everything about the person.
        const tickets = (await manager.query(`SELECT id FROM support_tickets WHERE user_id = $1`, [subject.userId])) as Array<{ id: string }>;
        const ids = tickets.map((t) => t.id);
        if (ids.length > 0) {
          await manager.query(`UPDATE support_ticket_messages SET body = $2, author_user_id = NULL WHERE ticket_id = ANY($1)`, [ids, ERASED_TEXT]);
          await manager.query(
            `UPDATE support_tickets SET user_id = NULL, requester_email = NULL, subject = $2, linked_job_ids = '{}', anonymised_at = now(), updated_at = now() WHERE id = ANY($1)`,
            [ids, ERASED_TEXT],
          );
        }
        await manager.query(`UPDATE support_ticket_messages SET author_user_id = NULL, body = $2 WHERE author_user_id = $1`, [subject.userId, ERASED_TEXT]);
        const [{ guests }] = (await manager.query(
          `WITH gone AS (DELETE FROM support_guest_requests WHERE email = (SELECT email FROM users WHERE id = $1) RETURNING id) SELECT count(*)::int AS guests FROM gone`,
          [subject.userId],
        )) as [{ guests: number }];
        return {
          deleted: deleted + guests,
          anonymised: ids.length,
          retained: ids.length > 0 ? [{ count: ids.length, basis: 'Ticket timings, category and handling agent kept without any personal data, for support service reports.' }] : [],
        };
      });
    },
  };
}

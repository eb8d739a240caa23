// Ticket text sealed with the requester's data key (crypto-shredding, decision 019); attachment files
// are sealed by storage (StorageService.put with sealFor, decision 018) and opened as they are read.
// Each value is bound to its place (`<table>.<column>:<row id>`). Lists read leniently (ERASED_TEXT
// once a key is destroyed or the text removed); the conversation itself reads strictly: a destroyed
// key answers 410 DATA_KEY_DESTROYED.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataKeyDestroyedException } from '../data-keys/data-keys.exception';
import { DataKeysService } from '../data-keys/data-keys.service';
import { AttachmentRecord, AttachmentRow, ContentState, ERASED_TEXT, MessageRecord, MessageRow, TicketRecord, TicketRow } from './ticket-view';

export const subjectContext = (ticketId: string): string => `support_tickets.subject:${ticketId}`;
export const bodyContext = (messageId: string): string => `support_ticket_messages.body:${messageId}`;
export const fileNameContext = (attachmentId: string): string => `support_ticket_attachments.file_name:${attachmentId}`;

/** Reading mode: `strict` throws DataKeyDestroyedException (410), `lenient` shows ERASED_TEXT. */
export type ReadMode = 'strict' | 'lenient';

@Injectable()
export class SupportCipher {
  constructor(readonly keys: DataKeysService) {}

  /**
   * Makes sure the owner's key exists, committed, before a transaction seals with it: DataKeysService
   * caches a key it creates, and a key created inside a transaction that rolls back must not be cached.
   */
  async ensureKey(owner: string): Promise<void> {
    await this.keys.seal(owner, Buffer.alloc(0), 'support.key-check');
  }

  seal(owner: string, text: string | Buffer, context: string, manager?: EntityManager): Promise<Buffer> {
    return this.keys.seal(owner, text, context, manager);
  }

  /** A stored value: sealed (opened), clear (not yet backfilled), or neither (removed). */
  private async read(owner: string, clear: string | null, sealed: Buffer | null, context: string, mode: ReadMode, manager?: EntityManager): Promise<{ text: string; state: ContentState }> {
    if (sealed) {
      try {
        return { text: await this.keys.openText(owner, sealed, context, manager), state: 'readable' };
      } catch (err) {
        if (err instanceof DataKeyDestroyedException && mode === 'lenient') return { text: ERASED_TEXT, state: 'destroyed' };
        throw err;
      }
    }
    if (clear !== null) return { text: clear, state: 'readable' };
    return { text: ERASED_TEXT, state: 'removed' };
  }

  async ticket(r: TicketRecord, mode: ReadMode, manager?: EntityManager): Promise<TicketRow> {
    const { subjectSealed, ...rest } = r;
    const { text, state } = await this.read(r.dataKeyOwner, r.subject, subjectSealed, subjectContext(r.id), mode, manager);
    return { ...rest, subject: text, contentState: state };
  }

  tickets(rows: TicketRecord[], mode: ReadMode, manager?: EntityManager): Promise<TicketRow[]> {
    return Promise.all(rows.map((r) => this.ticket(r, mode, manager)));
  }

  messages(owner: string, rows: MessageRecord[], mode: ReadMode, manager?: EntityManager): Promise<MessageRow[]> {
    return Promise.all(
      rows.map(async ({ bodySealed, ...m }) => ({ ...m, body: (await this.read(owner, m.body, bodySealed, bodyContext(m.id), mode, manager)).text })),
    );
  }

  attachments(owner: string, rows: AttachmentRecord[], mode: ReadMode, manager?: EntityManager): Promise<AttachmentRow[]> {
    return Promise.all(
      rows.map(async ({ fileNameSealed, ...a }) => ({ ...a, fileName: (await this.read(owner, a.fileName, fileNameSealed, fileNameContext(a.id), mode, manager)).text })),
    );
  }
}

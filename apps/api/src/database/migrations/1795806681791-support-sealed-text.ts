import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Support text encrypted at rest with the requester's data key (crypto-shredding, decisions 017
 * and 019): ticket subjects, message bodies (user messages, staff replies, internal notes, system
 * lines) and attachment names get a sealed bytea column; the clear columns become nullable and are
 * emptied by the batched backfill (`SupportSealBackfill`, run at boot and every 10 minutes) and by
 * every new write. Attachment objects in storage are sealed too (`sealed` tells which already are).
 * `data_key_owner` names the key: the user's id, or the ticket's own id for a guest ticket without
 * an account (keystore.user_data_keys has no foreign key; that key is destroyed on anonymisation).
 * Lengths are validated before sealing (DTOs and services); the checks below only bound the bytes.
 * `down` cannot decrypt in SQL: sealed values come back as the placeholder '[encrypted]'.
 */
export class SupportSealedText1795806681791 implements MigrationInterface {
  name = 'SupportSealedText1795806681791';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE support_tickets ADD COLUMN data_key_owner uuid`);
    await q.query(`UPDATE support_tickets SET data_key_owner = COALESCE(user_id, id)`);
    await q.query(`ALTER TABLE support_tickets ALTER COLUMN data_key_owner SET NOT NULL`);
    await q.query(`ALTER TABLE support_tickets ADD COLUMN subject_sealed bytea CHECK (subject_sealed IS NULL OR octet_length(subject_sealed) <= 2048)`);
    // false: clear text (or clear attachment objects) may remain, the backfill has not been through this ticket yet.
    await q.query(`ALTER TABLE support_tickets ADD COLUMN text_sealed boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE support_tickets ALTER COLUMN text_sealed SET DEFAULT true`);
    await q.query(`ALTER TABLE support_tickets ALTER COLUMN subject DROP NOT NULL`);
    await q.query(`ALTER TABLE support_tickets DROP CONSTRAINT support_tickets_subject_check`);
    await q.query(`ALTER TABLE support_tickets ADD CONSTRAINT support_tickets_subject_check CHECK (subject IS NULL OR length(subject) BETWEEN 1 AND 200)`);
    await q.query(`CREATE INDEX support_tickets_unsealed_idx ON support_tickets (created_at) WHERE NOT text_sealed`);
    await q.query(`CREATE INDEX support_tickets_retention_idx ON support_tickets (closed_at) WHERE status = 'closed' AND anonymised_at IS NULL`);

    await q.query(`ALTER TABLE support_ticket_messages ADD COLUMN body_sealed bytea CHECK (body_sealed IS NULL OR octet_length(body_sealed) <= 81920)`);
    await q.query(`ALTER TABLE support_ticket_messages ALTER COLUMN body DROP NOT NULL`);
    await q.query(`ALTER TABLE support_ticket_messages DROP CONSTRAINT support_ticket_messages_body_check`);
    await q.query(`ALTER TABLE support_ticket_messages ADD CONSTRAINT support_ticket_messages_body_check CHECK (body IS NULL OR length(body) BETWEEN 1 AND 20000)`);

    await q.query(`ALTER TABLE support_ticket_attachments ADD COLUMN file_name_sealed bytea CHECK (file_name_sealed IS NULL OR octet_length(file_name_sealed) <= 2048)`);
    await q.query(`ALTER TABLE support_ticket_attachments ADD COLUMN sealed boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE support_ticket_attachments ALTER COLUMN file_name DROP NOT NULL`);

    // Tickets already anonymised hold only the '[erased]' placeholder: nothing to seal.
    await q.query(`UPDATE support_ticket_messages SET body = NULL WHERE ticket_id IN (SELECT id FROM support_tickets WHERE anonymised_at IS NOT NULL)`);
    await q.query(`UPDATE support_tickets SET subject = NULL, text_sealed = true WHERE anonymised_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE support_ticket_attachments SET file_name = '[encrypted]' WHERE file_name IS NULL`);
    await q.query(`ALTER TABLE support_ticket_attachments ALTER COLUMN file_name SET NOT NULL`);
    await q.query(`ALTER TABLE support_ticket_attachments DROP COLUMN sealed`);
    await q.query(`ALTER TABLE support_ticket_attachments DROP COLUMN file_name_sealed`);

    await q.query(`UPDATE support_ticket_messages SET body = '[encrypted]' WHERE body IS NULL`);
    await q.query(`ALTER TABLE support_ticket_messages DROP CONSTRAINT support_ticket_messages_body_check`);
    await q.query(`ALTER TABLE support_ticket_messages ADD CONSTRAINT support_ticket_messages_body_check CHECK (length(body) BETWEEN 1 AND 20000)`);
    await q.query(`ALTER TABLE support_ticket_messages ALTER COLUMN body SET NOT NULL`);
    await q.query(`ALTER TABLE support_ticket_messages DROP COLUMN body_sealed`);

    await q.query(`DROP INDEX IF EXISTS support_tickets_retention_idx`);
    await q.query(`DROP INDEX IF EXISTS support_tickets_unsealed_idx`);
    await q.query(`UPDATE support_tickets SET subject = '[encrypted]' WHERE subject IS NULL`);
    await q.query(`ALTER TABLE support_tickets DROP CONSTRAINT support_tickets_subject_check`);
    await q.query(`ALTER TABLE support_tickets ADD CONSTRAINT support_tickets_subject_check CHECK (length(subject) BETWEEN 1 AND 200)`);
    await q.query(`ALTER TABLE support_tickets ALTER COLUMN subject SET NOT NULL`);
    await q.query(`ALTER TABLE support_tickets DROP COLUMN text_sealed`);
    await q.query(`ALTER TABLE support_tickets DROP COLUMN subject_sealed`);
    await q.query(`ALTER TABLE support_tickets DROP COLUMN data_key_owner`);
  }
}

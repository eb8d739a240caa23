// Migration 1795806681791 (support text sealed at rest) reverts and re-applies on a database holding
// sealed tickets: `down` cannot decrypt in SQL, so sealed text comes back as a placeholder.
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SupportSealedText1795806681791 } from '../src/database/migrations/1795806681791-support-sealed-text';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('migration SupportSealedText1795806681791', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource({ type: 'postgres', url: db.url }).initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('goes down with placeholders for sealed text and up again with every ticket owned by a key and queued for the backfill', async () => {
    const ticketId = randomUUID();
    const guestId = randomUUID();
    await ds.query(
      `INSERT INTO support_tickets (id, requester_email, channel, subject_sealed, data_key_owner, category, priority) VALUES ($1, 'x@example.test', 'guest_email', '\\x00'::bytea, $1, 'account', 'normal')`,
      [guestId],
    );
    await ds.query(`INSERT INTO support_ticket_messages (ticket_id, kind, author_type, body_sealed) VALUES ($1, 'user_message', 'requester', '\\x00'::bytea)`, [guestId]);
    const migration = new SupportSealedText1795806681791();
    const runner = ds.createQueryRunner();
    try {
      await migration.down(runner);
      await ds.query(`INSERT INTO support_tickets (id, requester_email, channel, subject, category, priority) VALUES ($1, 'y@example.test', 'guest_email', 'clear subject', 'other', 'low')`, [ticketId]);
      expect(await ds.query(`SELECT subject FROM support_tickets WHERE id = $1`, [guestId])).toEqual([{ subject: '[encrypted]' }]);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const rows = (await ds.query(`SELECT id, data_key_owner AS owner, text_sealed AS sealed FROM support_tickets WHERE id = ANY($1::uuid[]) ORDER BY id`, [[ticketId, guestId]])) as Array<{ id: string; owner: string; sealed: boolean }>;
    expect(rows).toEqual(expect.arrayContaining([{ id: ticketId, owner: ticketId, sealed: false }, { id: guestId, owner: guestId, sealed: false }]));
    await expect(ds.query(`INSERT INTO support_tickets (id, requester_email, channel, subject, data_key_owner, category, priority) VALUES ($1, 'z@example.test', 'guest_email', '', $1, 'other', 'low')`, [randomUUID()])).rejects.toThrow(/support_tickets_subject_check/);
  });
});

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbox messages whose body holds a secret (sign-in codes): hidden in the console, body removed once sent. */
export class NotificationsSensitive1764231400000 implements MigrationInterface {
  name = 'NotificationsSensitive1764231400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications ADD COLUMN sensitive boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifications DROP COLUMN sensitive`);
  }
}

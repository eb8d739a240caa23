import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Access/portability packages (privacy requests): one row per package with its build progress and,
 * once ready, the stored zip's key, size and SHA-256; download links as hashed, expiring tokens.
 * A package is only visible (downloadable) when its row says `ready`: the zip is written under its
 * final key by one atomic storage put, then the row is updated.
 */
export class AccessPackages1795794248186 implements MigrationInterface {
  name = 'AccessPackages1795794248186';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_packages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        request_id uuid NULL,
        format text NOT NULL CHECK (format IN ('access', 'portability')),
        state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'building', 'ready', 'failed', 'purged')),
        attempts integer NOT NULL DEFAULT 0,
        categories_total integer NOT NULL DEFAULT 0,
        categories_done integer NOT NULL DEFAULT 0,
        bytes bigint NOT NULL DEFAULT 0,
        storage_key text NULL,
        sha256 text NULL,
        size bigint NULL,
        error_code text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz NULL,
        ready_at timestamptz NULL,
        expires_at timestamptz NULL,
        CHECK (state <> 'ready' OR (storage_key IS NOT NULL AND sha256 IS NOT NULL AND size IS NOT NULL AND ready_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX access_packages_user_idx ON access_packages (user_id, created_at DESC)`);
    await q.query(`CREATE INDEX access_packages_request_idx ON access_packages (request_id) WHERE request_id IS NOT NULL`);
    await q.query(`CREATE INDEX access_packages_expiry_idx ON access_packages (expires_at) WHERE state = 'ready'`);
    await q.query(`
      CREATE TABLE access_package_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        package_id uuid NOT NULL REFERENCES access_packages(id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        token_hash bytea NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        first_used_at timestamptz NULL,
        last_used_at timestamptz NULL,
        downloads integer NOT NULL DEFAULT 0
      )`);
    await q.query(`CREATE INDEX access_package_tokens_package_idx ON access_package_tokens (package_id)`);
    await q.query(`CREATE INDEX access_package_tokens_expiry_idx ON access_package_tokens (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_package_tokens`);
    await q.query(`DROP TABLE access_packages`);
  }
}

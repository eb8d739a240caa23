import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit entries of end users' own actions carry their address sealed with the user's data key
 * (decision 023): `ip_sealed`, covered by canonical format version 2, stored per row in
 * `format_version`. Existing rows are version 1 and are never edited: adding the columns rewrites no
 * row (a constant default is kept in the catalogue) and fires no trigger. The default stays 1:
 * during a rolling deploy, replicas still running the previous version insert format 1 entries
 * without naming a version, and those must verify as format 1; the application names version 2.
 */
export class AuditLogSealedIp1795808530188 implements MigrationInterface {
  name = 'AuditLogSealedIp1795808530188';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ADD COLUMN format_version smallint NOT NULL DEFAULT 1 CONSTRAINT audit_log_format_version_check CHECK (format_version IN (1, 2))`);
    await q.query(`ALTER TABLE audit_log ADD COLUMN ip_sealed bytea`);
    await q.query(
      `ALTER TABLE audit_log ADD CONSTRAINT audit_log_ip_sealed_check CHECK (ip_sealed IS NULL OR (ip IS NULL AND format_version >= 2 AND actor_type = 'user'))`,
    );
    await q.query(`COMMENT ON COLUMN audit_log.ip_sealed IS 'Client address of an end user''s own action, sealed with their data key (context audit_log.ip:<id>); unreadable once the key is destroyed'`);
    await q.query(`COMMENT ON COLUMN audit_log.format_version IS 'Canonical format the hash covers (audit-chain.ts): 1 before decision 023, 2 with ipSealed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Version 2 rows cannot be verified without these columns: refuse rather than break the chain.
    const [row] = (await q.query(`SELECT count(*)::int AS n FROM audit_log WHERE format_version <> 1`)) as Array<{ n: number }>;
    if ((row?.n ?? 0) > 0) throw new Error('audit_log holds format 2 entries; dropping ip_sealed and format_version would leave them unverifiable.');
    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_ip_sealed_check`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN ip_sealed`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN format_version`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Decision 022. `consent_records.ip_sealed` / `user_agent_sealed`: the IP and user agent of a consent
 * entry sealed with the user's data key (contexts `consent_records.ip:<id>` / `consent_records.user_agent:<id>`).
 * Sealing needs keys from the configuration, which a migration does not have: the API seals legacy
 * clear values at start (ConsentBackfillService, also run by `npm run backfill-identity`) and clears
 * them. The append-only guard now allows exactly two kinds of UPDATE: moving clear values into sealed
 * ones (the backfill) and clearing them (erasure); every other change, DELETE and TRUNCATE stay refused.
 */
export class ConsentSealedIp1795807558251 implements MigrationInterface {
  name = 'ConsentSealedIp1795807558251';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE consent_records ADD COLUMN ip_sealed bytea, ADD COLUMN user_agent_sealed bytea`);
    await q.query(`COMMENT ON COLUMN consent_records.ip_sealed IS 'Client address sealed with the user''s data key (decision 022)'`);
    await q.query(`COMMENT ON COLUMN consent_records.ip IS 'Legacy clear client address: emptied by the start-up backfill, never written'`);
    // Lets the start-up backfill find rows still holding clear values without scanning the ledger.
    await q.query(`CREATE INDEX consent_records_clear_idx ON consent_records (id) WHERE ip IS NOT NULL OR user_agent IS NOT NULL`);
    // The triggers keep calling this function: replacing it changes the rule without touching them.
    await q.query(`
      CREATE OR REPLACE FUNCTION consent_records_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           -- The entry itself never changes.
           AND (NEW.id, NEW.user_id, NEW.purpose, NEW.granted, NEW.source, NEW.policy_version_id, NEW.policy_version, NEW.reference, NEW.actor_id, NEW.recorded_at)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.user_id, OLD.purpose, OLD.granted, OLD.source, OLD.policy_version_id, OLD.policy_version, OLD.reference, OLD.actor_id, OLD.recorded_at)
           -- Clear values can only go.
           AND NEW.ip IS NULL AND NEW.user_agent IS NULL
           -- A sealed value stays, is cleared (erasure), or is set where a clear value is being moved (backfill).
           AND (NEW.ip_sealed IS NULL OR NEW.ip_sealed IS NOT DISTINCT FROM OLD.ip_sealed OR (OLD.ip_sealed IS NULL AND OLD.ip IS NOT NULL))
           AND (NEW.user_agent_sealed IS NULL OR NEW.user_agent_sealed IS NOT DISTINCT FROM OLD.user_agent_sealed OR (OLD.user_agent_sealed IS NULL AND OLD.user_agent IS NOT NULL)) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'consent_records is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege', HINT = 'Record a new grant or withdrawal instead.';
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Sealed values cannot be decrypted here: reverting drops them (the entries, the proof, stay).
    await q.query(`
      CREATE OR REPLACE FUNCTION consent_records_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          IF NEW.ip IS NULL AND NEW.user_agent IS NULL
             AND (NEW.id, NEW.user_id, NEW.purpose, NEW.granted, NEW.source, NEW.policy_version_id, NEW.policy_version, NEW.reference, NEW.actor_id, NEW.recorded_at)
                 IS NOT DISTINCT FROM
                 (OLD.id, OLD.user_id, OLD.purpose, OLD.granted, OLD.source, OLD.policy_version_id, OLD.policy_version, OLD.reference, OLD.actor_id, OLD.recorded_at) THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION 'consent_records is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege', HINT = 'Record a new grant or withdrawal instead.';
      END $$`);
    await q.query(`DROP INDEX IF EXISTS consent_records_clear_idx`);
    await q.query(`COMMENT ON COLUMN consent_records.ip IS 'Client address: personal data, never logged'`);
    await q.query(`ALTER TABLE consent_records DROP COLUMN IF EXISTS user_agent_sealed, DROP COLUMN IF EXISTS ip_sealed`);
  }
}

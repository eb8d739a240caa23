import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent ledger (append-only: the current state is derived from the latest entry per purpose),
 * used unsubscribe links, policy versions (immutable once published), notices with their
 * acknowledgements, notice email campaigns and the sub-processor register (docs/consent-and-policy.md).
 * Seeds the first privacy-policy version and the sub-processors the service relies on.
 */
export class ConsentAndPolicy1795794180014 implements MigrationInterface {
  name = 'ConsentAndPolicy1795794180014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE policy_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        version text NOT NULL UNIQUE CHECK (version ~ '^[0-9A-Za-z][0-9A-Za-z.-]{0,19}$'),
        title text NOT NULL,
        body text NOT NULL,
        summary_of_changes text NOT NULL DEFAULT '',
        significant boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published')),
        effective_at timestamptz,
        last_updated date,
        published_at timestamptz,
        published_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (status = 'draft' OR (effective_at IS NOT NULL AND last_updated IS NOT NULL AND published_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX policy_versions_effective_idx ON policy_versions (effective_at DESC) WHERE status = 'published'`);
    // A published version is the text people agreed to: never changed or removed (publish a new one).
    await q.query(`
      CREATE FUNCTION policy_versions_published_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'published' THEN
          RAISE EXCEPTION 'policy version % is published and cannot be changed (%)', OLD.version, TG_OP
            USING ERRCODE = 'insufficient_privilege', HINT = 'Publish a new version instead.';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER policy_versions_immutable BEFORE UPDATE OR DELETE ON policy_versions
        FOR EACH ROW EXECUTE FUNCTION policy_versions_published_guard()`);

    await q.query(`
      CREATE TABLE consent_records (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        purpose text NOT NULL CHECK (purpose ~ '^[a-z][a-z0-9_]{0,63}$'),
        granted boolean NOT NULL,
        source text NOT NULL CHECK (source IN ('user','gpc','privacy_request','admin')),
        policy_version_id uuid REFERENCES policy_versions(id),
        policy_version text,
        reference text,
        actor_id text,
        ip text CHECK (ip IS NULL OR ip::inet IS NOT NULL),
        user_agent text,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`COMMENT ON COLUMN consent_records.ip IS 'Client address: personal data, never logged'`);
    await q.query(`CREATE INDEX consent_records_user_idx ON consent_records (user_id, purpose, recorded_at DESC)`);
    await q.query(`CREATE INDEX consent_records_recorded_idx ON consent_records (recorded_at DESC)`);
    // Append-only. The one change allowed is erasure's anonymisation: clearing ip and user_agent.
    await q.query(`
      CREATE FUNCTION consent_records_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await q.query(`
      CREATE TRIGGER consent_records_append_only BEFORE UPDATE OR DELETE ON consent_records
        FOR EACH ROW EXECUTE FUNCTION consent_records_guard()`);
    await q.query(`
      CREATE TRIGGER consent_records_no_truncate BEFORE TRUNCATE ON consent_records
        FOR EACH STATEMENT EXECUTE FUNCTION consent_records_guard()`);

    await q.query(`
      CREATE TABLE consent_unsubscribe_uses (
        token_id text PRIMARY KEY,
        user_id uuid NOT NULL,
        purpose text NOT NULL,
        consent_record_id uuid REFERENCES consent_records(id),
        used_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX consent_unsubscribe_uses_user_idx ON consent_unsubscribe_uses (user_id)`);

    await q.query(`
      CREATE TABLE subprocessors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        purpose text NOT NULL,
        data_categories text[] NOT NULL DEFAULT '{}',
        location text NOT NULL,
        agreement_date date,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX subprocessors_name_key ON subprocessors (lower(name))`);

    await q.query(`
      CREATE TABLE notices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('policy_change','subprocessor_added')),
        policy_version_id uuid REFERENCES policy_versions(id),
        subprocessor_id uuid REFERENCES subprocessors(id) ON DELETE SET NULL,
        title text NOT NULL,
        body text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX notices_window_idx ON notices (starts_at, ends_at)`);

    await q.query(`
      CREATE TABLE notice_acknowledgements (
        notice_id uuid NOT NULL REFERENCES notices(id),
        user_id uuid NOT NULL,
        acknowledged_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (notice_id, user_id)
      )`);
    await q.query(`CREATE INDEX notice_acknowledgements_user_idx ON notice_acknowledgements (user_id)`);

    await q.query(`
      CREATE TABLE notice_campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        notice_id uuid NOT NULL REFERENCES notices(id),
        subject text NOT NULL,
        text_body text NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sending','enqueued')),
        total integer NOT NULL DEFAULT 0 CHECK (total >= 0),
        enqueued integer NOT NULL DEFAULT 0 CHECK (enqueued >= 0),
        batches integer NOT NULL DEFAULT 0 CHECK (batches >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        enqueued_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE notice_campaign_recipients (
        campaign_id uuid NOT NULL REFERENCES notice_campaigns(id),
        user_id uuid NOT NULL,
        notification_id uuid NOT NULL,
        PRIMARY KEY (campaign_id, user_id)
      )`);
    await q.query(`CREATE INDEX notice_campaign_recipients_notification_idx ON notice_campaign_recipients (notification_id)`);
    await q.query(`CREATE INDEX notice_campaign_recipients_user_idx ON notice_campaign_recipients (user_id)`);

    // Seed: the first policy version (a short summary of the launch policy) and the sub-processors it names.
    await q.query(
      `INSERT INTO policy_versions (version, title, body, summary_of_changes, significant, status, effective_at, last_updated, published_at)
       VALUES ('1.0', 'Privacy Policy', $1, 'First published version.', false, 'published', now(), current_date, now())`,
      [SEED_POLICY_BODY],
    );
    for (const s of SEED_SUBPROCESSORS) {
      await q.query(`INSERT INTO subprocessors (name, purpose, data_categories, location, agreement_date) VALUES ($1, $2, $3, $4, $5)`, [
        s.name,
        s.purpose,
        s.dataCategories,
        s.location,
        s.agreementDate,
      ]);
    }

  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notice_campaign_recipients`);
    await q.query(`DROP TABLE notice_campaigns`);
    await q.query(`DROP TABLE notice_acknowledgements`);
    await q.query(`DROP TABLE notices`);
    await q.query(`DROP TABLE subprocessors`);
    await q.query(`DROP TABLE consent_unsubscribe_uses`);
    await q.query(`DROP TRIGGER consent_records_no_truncate ON consent_records`);
    await q.query(`DROP TRIGGER consent_records_append_only ON consent_records`);
    await q.query(`DROP TABLE consent_records`);
    await q.query(`DROP FUNCTION consent_records_guard()`);
    await q.query(`DROP TRIGGER policy_versions_immutable ON policy_versions`);
    await q.query(`DROP TABLE policy_versions`);
    await q.query(`DROP FUNCTION policy_versions_published_guard()`);
  }
}

/** Our own summary of what the launch policy says (the policy's text lives with the legal team). */
const SEED_POLICY_BODY = `# Privacy Policy (summary)

Soar2 AI turns prompts and reference images into short AI videos. This page says, briefly, what we
keep about you and why.

## What we keep
- **Account**: your email address (sign-in codes and service messages), your plan and credit use.
  Card details stay with our payment provider.
- **What you create**: prompts, uploaded reference images and the videos generated from them.
- **Technical data**: device, browser, operating system and IP address, to keep the service working
  and secure; and how you use features, to improve them.

## Why
To run the service (generating videos through our AI provider), bill and count credits, send
messages you need about your account, answer support requests, improve quality, and meet legal duties.

## Who helps us
Payment, cloud storage, AI video generation, analytics and support providers, under data processing
agreements. The current list is at \`GET /v1/policy/subprocessors\`.

## How long
Account data while the account is open, then removal within 30 days of deletion; deleted videos
leave active systems within 30 days and backups within 90 days, unless the law requires longer.

## Your rights
Access, correction, deletion, export, restriction, objection and withdrawal of consent. Marketing
emails are optional; service messages are not. Requests: \`POST /v1/privacy-requests\`.

## Children
The service is not for children under 13.

## Changes
Significant changes are announced on the homepage and by email; the Last Updated date shows the
latest change.
`;

const SEED_SUBPROCESSORS = [
  { name: 'Stripe', purpose: 'Payment processing and subscriptions', dataCategories: ['email', 'billing details', 'payment history'], location: 'United States', agreementDate: '2026-01-15' },
  { name: 'OpenAI', purpose: 'AI video generation from prompts and reference images', dataCategories: ['prompts', 'reference images', 'generated videos'], location: 'United States', agreementDate: '2026-01-15' },
  { name: 'Cloud storage provider', purpose: 'Encrypted storage of videos, uploads and backups', dataCategories: ['generated videos', 'reference images', 'account data'], location: 'European Union', agreementDate: '2026-01-15' },
  { name: 'Email delivery provider', purpose: 'Delivery of sign-in codes and service emails', dataCategories: ['email', 'message content'], location: 'European Union', agreementDate: '2026-01-15' },
];

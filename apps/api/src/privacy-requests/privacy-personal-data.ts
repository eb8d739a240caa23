// Personal-data sources this feature registers: the subject's privacy requests, and identity and
// notification data that the identity and notifications modules hold but did not register yet
// (kept here so that those modules stay untouched; they may move them home later).
import type { DataSource } from 'typeorm';
import type { DataKeysService } from '../data-keys/data-keys.service';
import { accessLogContext } from '../identity/access-log.service';
import type { PersonalDataRecord, PersonalDataSource, PersonalDataSubject } from '../personal-data/personal-data.registry';
import type { StorageService } from '../storage/storage.service';

type Row = Record<string, unknown>;

function plain(row: Row): PersonalDataRecord['data'] {
  const out: PersonalDataRecord['data'] = {};
  for (const [k, v] of Object.entries(row)) {
    if (v instanceof Date) out[k] = v.toISOString();
    else if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.map(String);
    else if (typeof v === 'object') out[k] = v as Record<string, unknown>;
    else out[k] = String(v);
  }
  return out;
}

/** Pages through a query ordered by a unique key, so exports stay flat in memory. */
async function* paged(ds: DataSource, sql: (after: string | null) => [string, unknown[]], key: string, pageSize = 500): AsyncIterable<Row> {
  let after: string | null = null;
  for (;;) {
    const [text, params] = sql(after);
    const rows: Row[] = await ds.query(`${text} LIMIT ${pageSize}`, params);
    for (const row of rows) yield row;
    if (rows.length < pageSize) return;
    after = String(rows[rows.length - 1]?.[key]);
  }
}

export function privacyRequestsSource(ds: DataSource, storage: StorageService): PersonalDataSource {
  return {
    category: 'privacy.requests',
    description: 'Privacy requests you made or that were made about you, with their timeline and messages.',
    purposes: ['Handling your privacy rights', 'Proving compliance (CCPA §7101: request records kept 24 months)'],
    sources: ['user', 'staff', 'system'],
    async *export(subject: PersonalDataSubject) {
      const requests: Row[] = await ds.query(
        `SELECT id, type, requester_type AS "requesterType", regimes, status, email, subject_email AS "subjectEmail", region, details,
                proposed_changes AS "proposedChanges", applied_changes AS "appliedChanges", received_at AS "receivedAt", due_at AS "dueAt",
                extended_at AS "extendedAt", extension_reason AS "extensionReason", denial_reason AS "denialReason", denial_text AS "denialText",
                verified_at AS "verifiedAt", completed_at AS "completedAt"
           FROM privacy_requests WHERE user_id = $1 OR requester_user_id = $1 ORDER BY received_at`,
        [subject.userId],
      );
      for (const r of requests) {
        const events: Row[] = await ds.query(
          `SELECT at, kind, to_status AS status, body AS message, CASE actor_type WHEN 'staff' THEN 'privacy_team' WHEN 'system' THEN 'system' ELSE 'you' END AS by
             FROM privacy_request_events WHERE request_id = $1 AND visible_to_requester ORDER BY id`,
          [r.id],
        );
        yield { data: { ...plain(r), timeline: { entries: events.map(plain) } } };
      }
    },
    async erase(subject: PersonalDataSubject) {
      const rows: Array<{ id: string; proof_storage_key: string | null }> = await ds.query(
        `SELECT id, proof_storage_key FROM privacy_requests WHERE (user_id = $1 OR requester_user_id = $1)`,
        [subject.userId],
      );
      for (const r of rows) if (r.proof_storage_key) await storage.delete(r.proof_storage_key);
      const ids = rows.map((r) => r.id);
      if (ids.length === 0) return { deleted: 0, anonymised: 0, retained: [] };
      await ds.transaction(async (m) => {
        await m.query(
          `UPDATE privacy_requests SET email = NULL, subject_email = NULL, details = NULL, proposed_changes = NULL, applied_changes = NULL,
                  parent_evidence = CASE WHEN parent_evidence IS NULL THEN NULL ELSE jsonb_build_object('method', parent_evidence->'method') END,
                  proof_storage_key = NULL, code_hash = NULL, access_token_hash = NULL, denial_text = NULL,
                  personal_data_stripped_at = COALESCE(personal_data_stripped_at, now()), updated_at = now()
            WHERE id = ANY($1)`,
          [ids],
        );
        await m.query(`UPDATE privacy_request_events SET body = NULL WHERE request_id = ANY($1) AND body IS NOT NULL AND kind IN ('message_to_requester', 'message_from_requester')`, [ids]);
      });
      return { deleted: 0, anonymised: ids.length, retained: [{ count: ids.length, basis: 'Request skeletons (type, dates, status, outcome) kept as proof of compliance for 24 months (CCPA §7101, GDPR Art. 5(2)).' }] };
    },
  };
}

export function identityProfileSource(ds: DataSource): PersonalDataSource {
  return {
    category: 'identity.profile',
    description: 'Your account: email address, display name, region, account status and age confirmation.',
    // Last: other erasers may still look the person up by the account's email.
    eraseOrder: 1000,
    purposes: ['Providing the service', 'Signing you in'],
    sources: ['user'],
    async *export(subject) {
      const rows: Row[] = await ds.query(
        `SELECT id, email, display_name AS "displayName", region, status, age_confirmed_at AS "ageConfirmedAt", created_at AS "createdAt", updated_at AS "updatedAt" FROM users WHERE id = $1`,
        [subject.userId],
      );
      for (const r of rows) yield { data: plain(r) };
    },
    async erase(subject) {
      // The id stays: ledgers and the audit log refer to it. Everything that identifies the person goes.
      const rows: unknown[] = await ds.query(
        `UPDATE users SET email = 'erased+' || id::text || '@erased.invalid', email_lookup = NULL, display_name = NULL, region = NULL, age_confirmed_at = NULL, status = 'deleted', updated_at = now()
          WHERE id = $1 AND (email NOT LIKE 'erased+%@erased.invalid' OR email_lookup IS NOT NULL) RETURNING id`,
        [subject.userId],
      );
      return { deleted: 0, anonymised: rows.length, retained: [{ count: 1, basis: 'The account id, referenced by the credit ledger, invoices and the audit log.' }] };
    },
  };
}

export function identitySessionsSource(ds: DataSource): PersonalDataSource {
  return {
    category: 'identity.sessions',
    description: 'Your sign-in sessions: when each was opened, last used, and ended.',
    purposes: ['Security of your account'],
    sources: ['device', 'system'],
    export(subject) {
      return mapRows(
        paged(
          ds,
          (after) => [
            `SELECT id, created_at AS "createdAt", expires_at AS "expiresAt", last_seen_at AS "lastSeenAt", revoked_at AS "revokedAt", revoked_reason AS "revokedReason"
               FROM user_sessions WHERE user_id = $1 ${after ? 'AND id > $2' : ''} ORDER BY id`,
            after ? [subject.userId, after] : [subject.userId],
          ],
          'id',
        ),
      );
    },
    async erase(subject) {
      const rows: unknown[] = await ds.query(`DELETE FROM user_sessions WHERE user_id = $1 RETURNING id`, [subject.userId]);
      return { deleted: rows.length, anonymised: 0, retained: [] };
    },
  };
}

export function identityAccessLogSource(ds: DataSource, keys: DataKeysService): PersonalDataSource {
  return {
    category: 'identity.access_log',
    description: 'Sign-ins and API use: time, IP address, device, browser and operating system (kept 90 days).',
    purposes: ['Security of your account', 'Fraud prevention'],
    sources: ['device'],
    async *export(subject) {
      // Paged by (created_at, id): oldest first, flat in memory however long the log.
      let after: [string, string] = ['1970-01-01T00:00:00Z', '00000000-0000-0000-0000-000000000000'];
      for (;;) {
        const rows: Array<{ id: string; event: string; ip: string | null; user_agent: string | null; ip_sealed: Buffer | null; user_agent_sealed: Buffer | null; device_type: string; browser: string | null; os: string | null; created_at: Date }> = await ds.query(
          `SELECT id, event, host(ip) AS ip, user_agent, ip_sealed, user_agent_sealed, device_type, browser, os, created_at FROM access_log
            WHERE user_id = $1 AND (created_at, id) > ($2::timestamptz, $3::uuid) ORDER BY created_at, id LIMIT 500`,
          [subject.userId, ...after],
        );
        for (const r of rows) {
          // Sealed with the user's key (decision 020); a row not yet sealed by the start-up backfill still has the clear values.
          const ip = r.ip_sealed ? await keys.openTextOrNull(subject.userId, r.ip_sealed, accessLogContext('ip', r.id)) : r.ip;
          const userAgent = r.user_agent_sealed ? await keys.openTextOrNull(subject.userId, r.user_agent_sealed, accessLogContext('user_agent', r.id)) : r.user_agent;
          yield { data: { at: r.created_at.toISOString(), event: r.event, ip, userAgent, device: { type: r.device_type, browser: r.browser, os: r.os } } };
        }
        const last = rows[rows.length - 1];
        if (!last || rows.length < 500) return;
        after = [last.created_at.toISOString(), last.id];
      }
    },
    async erase(subject) {
      const rows: unknown[] = await ds.query(`DELETE FROM access_log WHERE user_id = $1 RETURNING id`, [subject.userId]);
      return { deleted: rows.length, anonymised: 0, retained: [] };
    },
  };
}

/** Mail of the user: sent to their account, or to their address without a user id (e.g. privacy-request mail). */
const OWN_MAIL = `(user_id = $1 OR recipient = (SELECT email FROM users WHERE id = $1))`;

export function notificationEmailsSource(ds: DataSource): PersonalDataSource {
  return {
    category: 'notifications.emails',
    description: 'Emails we sent you: kind, subject, body (sign-in codes and links removed after delivery), and delivery status.',
    purposes: ['Providing the service', 'Marketing, where you consented'],
    sources: ['system'],
    export(subject) {
      return mapRows(
        paged(
          ds,
          (after) => [
            `SELECT id, kind, class, recipient AS "to", subject, CASE WHEN sensitive THEN '[removed]' ELSE text_body END AS text, status, created_at AS "createdAt", sent_at AS "sentAt"
               FROM notifications WHERE ${OWN_MAIL} ${after ? 'AND id > $2' : ''} ORDER BY id`,
            after ? [subject.userId, after] : [subject.userId],
          ],
          'id',
        ),
      );
    },
    async erase(subject) {
      // Run before the account is anonymised (eraseOrder), so the address still matches mail sent without a user id.
      const rows: unknown[] = await ds.query(`DELETE FROM notifications WHERE ${OWN_MAIL} RETURNING id`, [subject.userId]);
      return { deleted: rows.length, anonymised: 0, retained: [] };
    },
  };
}

async function* mapRows(rows: AsyncIterable<Row>): AsyncIterable<PersonalDataRecord> {
  for await (const row of rows) yield { data: plain(row) };
}

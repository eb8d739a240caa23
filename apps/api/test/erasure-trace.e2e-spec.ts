// Erasure reaches everything: a user with an account, sign-ins, credits, a finished video with a
// reference image, a support ticket with an attachment, consents, a privacy request and emails is
// erased through the deletion-request flow; then every table and every stored file is searched for
// their email, name, prompt, IP address and files. Only the documented exceptions may remain: the
// audit log keeps the account's id in the entries of its actions, but their addresses were sealed
// with the user's data key (decision 023) and can no longer be read, live or archived.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuditArchiveService } from '../src/audit/audit-archive.service';
import { auditIpContext } from '../src/audit/audit-entry';
import { ConsentService } from '../src/consent/consent.service';
import { DataKeysService } from '../src/data-keys/data-keys.service';
import { VideoSimulator } from '../src/generation/simulator/video-simulator';
import { AccessLogService } from '../src/identity/access-log.service';
import { UsersService } from '../src/identity/users.service';
import { ErasureService } from '../src/retention/erasure.service';
import { generationEnv, grantCredits, waitForFinal } from './support/generation-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

jest.setTimeout(180_000);

const EMAIL = 'zelda.trace@example.test';
const NAME = 'Zelda Tracewell';
const PROMPT = 'Zelda unique prompt: a violet heron over Lake Quixotic';
const TICKET_BODY = 'Zelda here: my heron video looks wrong, ref QX-7781';
const IP = '203.0.113.77';
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/**
 * Where traces may remain, and why (docs/retention.md): none of the needles. The audit log is never
 * edited (6 years, accountability) and keeps the user's id; the addresses of their actions are
 * sealed with their data key, so no clear IP remains there either. The deletion certificate and the
 * erasure record name the account by id only.
 */
const EXCEPTIONS = new Set<string>([]);

function files(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(files(full));
    else out.push(full);
  }
  return out;
}

describe('erasure leaves no trace of the person', () => {
  const sim = new VideoSimulator({ latencyMs: 0, expiresInSeconds: 3600 });
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    await sim.start();
    // The user's requests come through a proxy that names their address, as in production.
    t = await startTestApp({ env: { ...generationEnv(sim), TRUST_PROXY: 'loopback' } });
    ds = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await sim.stop();
  });

  it('erases a fully populated user so that no table or stored file holds their email, name, prompt, IP or files', async () => {
    const { id: userId, token } = await userWithToken(t.app, EMAIL);
    await t.app.get(UsersService).ensure(EMAIL, NAME, 'FR');
    await ds.query('UPDATE users SET display_name = $2 WHERE id = $1', [userId, NAME]);
    await t.app.get(AccessLogService).record({ userId, sessionId: null, event: 'login', client: { ip: IP, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/127.0' } });
    await grantCredits(t.app, userId, 100, 'trace:grant');
    await t.app.get(ConsentService).record({ userId, purpose: 'marketing_emails', granted: true, source: 'user', ip: IP, userAgent: 'trace-agent' });

    const video = await request(t.url)
      .post('/v1/videos')
      .set('authorization', `Bearer ${token}`)
      .set('X-Forwarded-For', IP)
      .field('prompt', PROMPT)
      .field('model', 'sora-2')
      .field('seconds', '4')
      .field('size', '1280x720')
      .attach('inputReference', PNG_1X1, { filename: 'zelda.png', contentType: 'image/png' });
    if (video.status !== 202) {
      // The reference must match the size; fall back to a prompt-only job.
      const plain = await request(t.url).post('/v1/videos').set('authorization', `Bearer ${token}`).set('X-Forwarded-For', IP).send({ prompt: PROMPT, model: 'sora-2', seconds: 4, size: '1280x720' }).expect(202);
      await waitForFinal(ds, plain.body.id);
    } else {
      await waitForFinal(ds, video.body.id);
    }
    const jobs: Array<{ video_key: string | null }> = await ds.query('SELECT video_key FROM generation_jobs WHERE user_id = $1', [userId]);
    expect(jobs[0]?.video_key).toBeTruthy();

    await request(t.url)
      .post('/v1/tickets')
      .set('authorization', `Bearer ${token}`)
      .set('X-Forwarded-For', IP)
      .field('subject', 'Heron video problem')
      .field('body', TICKET_BODY)
      .field('category', 'generation_problem')
      .attach('attachments', Buffer.from(`notes from ${NAME}`), { filename: 'notes.txt', contentType: 'text/plain' })
      .expect(201);

    // The deletion request, verified by code and approved by a privacy officer.
    const officer = await issueStaffToken(t.app, await ensureStaff(t.app, 'privacy_officer'));
    const made = await request(t.url).post('/v1/privacy-requests').set('Authorization', `Bearer ${token}`).set('X-Forwarded-For', IP).send({ type: 'deletion' }).expect(202);
    const [code] = await ds.query(`SELECT id FROM privacy_requests WHERE id = $1`, [made.body.id]);
    expect(code).toBeDefined();
    const mail: Array<{ text_body: string }> = await ds.query(`SELECT text_body FROM notifications WHERE recipient = $1 ORDER BY created_at DESC`, [EMAIL]);
    const emailed = mail.map((m) => /\b(\d{6})\b/.exec(m.text_body)?.[1]).find(Boolean);
    expect(emailed).toBeDefined();
    await request(t.url).post(`/v1/privacy-requests/${made.body.id}/verify`).set('X-Forwarded-For', IP).send({ code: emailed }).expect(200);
    await request(t.url).post(`/admin/privacy-requests/${made.body.id}/approve`).set('Authorization', `Bearer ${officer}`).send({}).expect(200);
    const erasure = await (async () => {
      for (let i = 0; i < 200; i += 1) {
        const [row] = await ds.query(`SELECT id FROM erasures WHERE request_id = $1`, [made.body.id]);
        if (row) return row as { id: string };
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no erasure was scheduled');
    })();
    // The audit entries of the user's own actions hold their address sealed only. Part of the log is
    // archived before the erasure, so segment files are searched below as well.
    const sealedBefore: Array<{ id: string; action: string; ip: string | null; ip_sealed: Buffer }> = await ds.query(
      `SELECT id, action, ip, ip_sealed FROM audit_log WHERE actor_type = 'user' AND actor_id = $1 AND ip_sealed IS NOT NULL ORDER BY sequence`,
      [userId],
    );
    const keys = t.app.get(DataKeysService);
    const opened = await Promise.all(sealedBefore.map(async (e) => ({ action: e.action, ip: e.ip, opened: await keys.openText(userId, e.ip_sealed, auditIpContext(e.id)) })));
    expect(opened.filter((e) => e.ip !== null || e.opened !== IP)).toEqual([]);
    expect(opened.map((e) => e.action)).toEqual(expect.arrayContaining(['ticket.create', 'privacy_request.submit', 'privacy_request.verify']));
    expect(await t.app.get(AuditArchiveService).archiveNext(new Date())).toBeDefined();

    await ds.query(`UPDATE erasures SET run_after = now() - interval '1 minute' WHERE id = $1`, [erasure.id]);
    const done = await t.app.get(ErasureService).execute(erasure.id);
    expect(done.status).toBe('completed');

    // Every table of every schema the application owns, as text.
    const needles = [EMAIL, NAME, PROMPT, TICKET_BODY, IP, 'QX-7781'];
    const tables: Array<{ schema: string; name: string }> = await ds.query(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pgboss%'`,
    );
    const found: string[] = [];
    for (const { schema, name } of tables) {
      for (const needle of needles) {
        const [hit] = await ds.query(`SELECT count(*)::int AS n FROM "${schema}"."${name}" r WHERE strpos(lower(r::text), lower($1)) > 0`, [needle]);
        if (hit.n > 0 && !EXCEPTIONS.has(name)) found.push(`${schema}.${name} holds "${needle}" (${hit.n} row(s))`);
      }
    }
    expect(found).toEqual([]);

    // The audit log, kept unedited, holds no email, name, prompt, ticket text or clear IP (only ids);
    // the sealed addresses of the user's actions no longer open.
    for (const needle of [EMAIL, NAME, PROMPT, TICKET_BODY, IP]) {
      const [hit] = await ds.query(`SELECT count(*)::int AS n FROM audit_log r WHERE strpos(lower(r::text), lower($1)) > 0`, [needle]);
      expect({ needle, n: hit.n }).toEqual({ needle, n: 0 });
    }
    const sealedAfter: Array<{ id: string; ip_sealed: Buffer }> = await ds.query(`SELECT id, ip_sealed FROM audit_log WHERE actor_id = $1 AND ip_sealed IS NOT NULL`, [userId]);
    for (const e of sealedAfter) expect(await keys.openTextOrNull(userId, e.ip_sealed, auditIpContext(e.id))).toBeNull();

    // Stored files: none left under the user's jobs, tickets or requests, and no file holds their words.
    const storageDir = t.config.storage.dir;
    for (const file of files(storageDir)) {
      const bytes = readFileSync(file);
      for (const needle of [EMAIL, NAME, PROMPT, TICKET_BODY, IP]) expect({ file, has: bytes.includes(Buffer.from(needle)) }).toEqual({ file, has: false });
    }
    expect(files(storageDir).some((f) => f.includes('audit-archive'))).toBe(true);
    const jobsLeft = await ds.query('SELECT id FROM generation_jobs WHERE user_id = $1', [userId]);
    expect(jobsLeft).toEqual([]);
    // The provider was asked to delete its copies.
    expect(sim.liveVideoIds()).toEqual([]);
  });
});

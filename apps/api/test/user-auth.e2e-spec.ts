import { readFileSync } from 'node:fs';
import PostalMime from 'postal-mime';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DataKeysService } from '../src/data-keys/data-keys.service';
import { EmailLookupService } from '../src/identity/email-lookup.service';
import { StaffService } from '../src/identity/staff.service';
import { LAST_SEEN_RESOLUTION_SECONDS, UserAuthService } from '../src/identity/user-auth.service';
import { SignInPurge } from '../src/identity/sign-in-purge.service';
import { UsersService } from '../src/identity/users.service';
import { MailerService } from '../src/notifications/mailer.service';
import { OutboxDeliveryWorker } from '../src/notifications/outbox-delivery.worker';
import { TestApp, startTestApp } from './support/test-app';

const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const WINDOWS_FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0';

interface Mail {
  id: string;
  subject: string;
  text: string;
}

describe('end-user sign-in by emailed code, sessions and profile (/v1)', () => {
  let t: TestApp;
  let ds: DataSource;
  let ipCounter = 0;
  /** Every address, token and IP sent in this file, to prove none reaches a log line. */
  const secrets = new Set<string>();
  /** Every code read from an email; matched in logs as a standalone number, not inside timestamps or ids. */
  const codes = new Set<string>();

  /** A client network of its own for each test (TRUST_PROXY=loopback lets X-Forwarded-For say so), so per-IP limits do not leak between tests. */
  function newIp(): string {
    ipCounter += 1;
    const ip = `198.51.${100 + Math.floor(ipCounter / 250)}.${ipCounter % 250}`;
    secrets.add(ip);
    return ip;
  }

  function requestCode(email: unknown, ip: string, ua = WINDOWS_FIREFOX): request.Test {
    if (typeof email === 'string' && /^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(email.trim())) {
      secrets.add(email.trim());
      secrets.add(email.trim().toLowerCase());
    }
    return request(t.server).post('/v1/auth/login-code').set('X-Forwarded-For', ip).set('User-Agent', ua).send({ email });
  }

  function verify(body: Record<string, unknown>, ip: string, ua = WINDOWS_FIREFOX): request.Test {
    return request(t.server).post('/v1/auth/verify').set('X-Forwarded-For', ip).set('User-Agent', ua).send(body);
  }

  /** Delivers the outbox (file transport) and reads the newest message of a kind sent to an address. */
  async function lastMail(to: string, kind: string): Promise<Mail> {
    // A pass takes one batch (OUTBOX_BATCH_SIZE); drain them all.
    while ((await t.app.get(OutboxDeliveryWorker).deliverDue()).claimed > 0);
    const [row] = (await ds.query(`SELECT id FROM notifications WHERE recipient = $1 AND kind = $2 ORDER BY created_at DESC LIMIT 1`, [to, kind])) as Array<{ id: string }>;
    if (!row) throw new Error(`no ${kind} message was sent to ${to}`);
    const parsed = await PostalMime.parse(readFileSync(t.app.get(MailerService).emlPath(row.id)));
    return { id: row.id, subject: parsed.subject ?? '', text: parsed.text ?? '' };
  }

  async function codeFrom(to: string, kind = 'auth.login_code'): Promise<string> {
    const mail = await lastMail(to, kind);
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
    if (!code) throw new Error(`the ${kind} message holds no code`);
    codes.add(code);
    return code;
  }

  /** Signs in through the whole flow and returns the bearer token. */
  async function signIn(email: string, ip = newIp(), ua = WINDOWS_FIREFOX): Promise<string> {
    await requestCode(email, ip, ua).expect(202);
    const code = await codeFrom(email);
    const r = await verify({ email, code, ageConfirmed13Plus: true }, ip, ua).expect(200);
    secrets.add(r.body.token as string);
    return r.body.token as string;
  }

  async function userRow(email: string): Promise<{ id: string; email: string; status: string; display_name: string | null; region: string | null; age_confirmed_at: Date | null } | undefined> {
    const rows = (await ds.query(`SELECT id, email, status, display_name, region, age_confirmed_at FROM users WHERE email = $1`, [email])) as Array<{
      id: string;
      email: string;
      status: string;
      display_name: string | null;
      region: string | null;
      age_confirmed_at: Date | null;
    }>;
    return rows[0];
  }

  async function count(sql: string, params: unknown[]): Promise<number> {
    const [row] = (await ds.query(`SELECT count(*)::int AS n FROM (${sql}) q`, params)) as Array<{ n: number }>;
    return row?.n ?? 0;
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { PROCESS_ROLES: 'api', TRUST_PROXY: 'loopback' } });
    ds = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  describe('sign-in', () => {
    it('creates the account on a first sign-in with the emailed code and the age confirmation, and the token opens /v1/me', async () => {
      const email = 'new.person@example.test';
      const ip = newIp();
      const sent = await requestCode('  New.Person@Example.TEST ', ip).expect(202);
      expect(sent.body).toEqual({ message: expect.stringMatching(/6-digit code/), expiresInSeconds: 600 });

      const mail = await lastMail(email, 'auth.login_code');
      expect(mail.subject).toBe('Your Soar2 sign-in code');
      const code = /\b(\d{6})\b/.exec(mail.text)![1]!;
      codes.add(code);
      // Only the keyed hash is stored, and the outbox dropped the body once it was sent.
      const [stored] = (await ds.query(`SELECT code_hash, attempts FROM verification_codes WHERE email = $1`, [email])) as Array<{ code_hash: Buffer; attempts: number }>;
      expect(stored!.code_hash).toHaveLength(32);
      expect(stored!.code_hash.toString('latin1')).not.toContain(code);
      const [outboxRow] = (await ds.query(`SELECT text_body, sensitive, subject FROM notifications WHERE id = $1`, [mail.id])) as Array<{ text_body: string; sensitive: boolean; subject: string }>;
      expect(outboxRow).toEqual({ text_body: '[removed after delivery]', sensitive: true, subject: 'Your Soar2 sign-in code' });

      const r = await verify({ email: 'NEW.PERSON@example.test', code, ageConfirmed13Plus: true }, ip).expect(200);
      secrets.add(r.body.token as string);
      expect(r.body).toEqual({
        token: expect.stringMatching(/^ut_[A-Za-z0-9_-]{40,}$/),
        expiresAt: expect.any(String),
        accountCreated: true,
        user: { id: expect.any(String), email, displayName: null, region: null, status: 'active', createdAt: expect.any(String) },
      });
      expect((await userRow(email))?.age_confirmed_at).toBeInstanceOf(Date);

      const me = await request(t.server).get('/v1/me').set('Authorization', `Bearer ${r.body.token}`).expect(200);
      expect(me.body).toEqual(r.body.user);
    });

    it('signs an existing account in without asking for the age confirmation again', async () => {
      const email = 'returning@example.test';
      await t.app.get(UsersService).ensure(email, 'Returning', 'FR');
      const ip = newIp();
      await requestCode(email, ip).expect(202);
      const r = await verify({ email, code: await codeFrom(email) }, ip).expect(200);
      expect(r.body.accountCreated).toBe(false);
      expect(r.body.user).toMatchObject({ email, displayName: 'Returning', region: 'FR' });
    });

    it('answers a code request with the same status and body, and does the same work, for an existing and an unknown address', async () => {
      const known = 'known.account@example.test';
      const unknown = 'nobody.here@example.test';
      await t.app.get(UsersService).ensure(known, 'Known', 'US');
      const a = await requestCode(known, newIp());
      const b = await requestCode(unknown, newIp());
      expect(a.status).toBe(202);
      expect(b.status).toBe(a.status);
      expect(b.body).toEqual(a.body);
      for (const address of [known, unknown]) {
        expect(await count(`SELECT 1 FROM verification_codes WHERE email = $1`, [address])).toBe(1);
        expect(await count(`SELECT 1 FROM notifications WHERE recipient = $1 AND kind = 'auth.login_code'`, [address])).toBe(1);
      }
      expect(await userRow(unknown)).toBeUndefined();
    });

    it('answers a wrong code with the same 401 INVALID_CODE for an existing address, an unknown one and one that never asked for a code', async () => {
      const known = 'wrong.known@example.test';
      const unknown = 'wrong.unknown@example.test';
      await t.app.get(UsersService).ensure(known, 'Known', 'US');
      const ip = newIp();
      await requestCode(known, ip).expect(202);
      await requestCode(unknown, ip).expect(202);
      const wrong = async (email: string): Promise<string> => ((await codeFrom(email)) === '000000' ? '000001' : '000000');
      const answers = [
        await verify({ email: known, code: await wrong(known) }, ip),
        await verify({ email: unknown, code: await wrong(unknown), ageConfirmed13Plus: true }, ip),
        await verify({ email: 'never.asked@example.test', code: '123456' }, ip),
      ];
      for (const r of answers) {
        expect(r.status).toBe(401);
        expect(r.body).toEqual(answers[0]!.body);
      }
      expect(answers[0]!.body).toMatchObject({ statusCode: 401, code: 'INVALID_CODE' });
    });

    it('rejects malformed addresses and codes with 422 and a message per field', async () => {
      const ip = newIp();
      for (const email of ['not-an-email', 'a@b', 'Alice <alice@example.test>', 'a@example.test, b@example.test', 'a b@example.test', '', 42, null]) {
        const r = await requestCode(email, ip).expect(422);
        expect(r.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: { email: expect.stringMatching(/^Email must be one email address/) } });
      }
      await request(t.server).post('/v1/auth/login-code').set('X-Forwarded-For', ip).send({}).expect(422);
      const extra = await request(t.server).post('/v1/auth/login-code').set('X-Forwarded-For', ip).send({ email: 'ok@example.test', admin: true }).expect(422);
      expect(extra.body.errors).toEqual({ admin: 'The field "admin" is not allowed.' });

      const bad = await verify({ email: 'nope', code: '12345x', ageConfirmed13Plus: 'yes' }, ip).expect(422);
      expect(Object.keys(bad.body.errors).sort()).toEqual(['ageConfirmed13Plus', 'code', 'email']);
      expect(await count(`SELECT 1 FROM verification_codes WHERE email = 'ok@example.test'`, [])).toBe(0);
    });

    it('requires ageConfirmed13Plus: true before creating an account, creates nothing without it, and keeps the code usable', async () => {
      const email = 'young.maybe@example.test';
      const ip = newIp();
      await requestCode(email, ip).expect(202);
      const code = await codeFrom(email);
      for (const body of [{ email, code }, { email, code, ageConfirmed13Plus: false }]) {
        const r = await verify(body, ip).expect(422);
        expect(r.body.code).toBe('VALIDATION_FAILED');
        expect(Object.keys(r.body.errors)).toEqual(['ageConfirmed13Plus']);
        expect(r.body.errors.ageConfirmed13Plus).toMatch(/13 or older.*not for children under 13/);
      }
      expect(await userRow(email)).toBeUndefined();
      expect(await count(`SELECT 1 FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1`, [email])).toBe(0);

      const ok = await verify({ email, code, ageConfirmed13Plus: true }, ip).expect(200);
      expect(ok.body.accountCreated).toBe(true);
    });

    it('gives the age question only to someone holding the right code, so it reveals nothing about the address', async () => {
      const email = 'age.probe@example.test';
      const ip = newIp();
      await requestCode(email, ip).expect(202);
      const code = await codeFrom(email);
      const r = await verify({ email, code: code === '999999' ? '999998' : '999999' }, ip).expect(401);
      expect(r.body.code).toBe('INVALID_CODE');
    });

    it('kills a code after five wrong attempts, even for the right code afterwards; a new code works', async () => {
      const email = 'brute.force@example.test';
      await t.app.get(UsersService).ensure(email, 'Target', 'EU');
      const ip = newIp();
      await requestCode(email, ip).expect(202);
      const code = await codeFrom(email);
      const wrongCodes = ['000000', '111111', '222222', '333333', '444444', '555555'].filter((c) => c !== code).slice(0, 5);
      for (const wrong of wrongCodes.slice(0, 4)) expect((await verify({ email, code: wrong }, ip).expect(401)).body.code).toBe('INVALID_CODE');
      expect((await verify({ email, code: wrongCodes[4] }, ip).expect(400)).body.code).toBe('CODE_ATTEMPTS_EXCEEDED');
      const dead = await verify({ email, code }, ip).expect(400);
      expect(dead.body.code).toBe('CODE_ATTEMPTS_EXCEEDED');
      expect(await count(`SELECT 1 FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1`, [email])).toBe(0);

      await requestCode(email, ip).expect(202);
      await verify({ email, code: await codeFrom(email) }, ip).expect(200);
    });

    it('refuses an expired code with 400 CODE_EXPIRED', async () => {
      const email = 'slow.reader@example.test';
      const ip = newIp();
      await requestCode(email, ip).expect(202);
      const code = await codeFrom(email);
      await ds.query(`UPDATE verification_codes SET expires_at = now() - interval '1 second' WHERE email = $1`, [email]);
      const r = await verify({ email, code, ageConfirmed13Plus: true }, ip).expect(400);
      expect(r.body).toMatchObject({ code: 'CODE_EXPIRED', message: expect.stringMatching(/expired/) });
      expect(await userRow(email)).toBeUndefined();
    });

    it('accepts a code once: the same code again is CODE_ALREADY_USED, any other code INVALID_CODE', async () => {
      const email = 'one.time@example.test';
      const ip = newIp();
      await requestCode(email, ip).expect(202);
      const code = await codeFrom(email);
      await verify({ email, code, ageConfirmed13Plus: true }, ip).expect(200);
      expect((await verify({ email, code }, ip).expect(400)).body.code).toBe('CODE_ALREADY_USED');
      expect((await verify({ email, code: code === '123456' ? '654321' : '123456' }, ip).expect(401)).body.code).toBe('INVALID_CODE');
      expect(await count(`SELECT 1 FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1`, [email])).toBe(1);
    });

    it('lets a new code supersede the older one', async () => {
      const email = 'two.codes@example.test';
      const ip = newIp();
      await requestCode(email, ip).expect(202);
      const first = await codeFrom(email);
      await requestCode(email, ip).expect(202);
      const second = await codeFrom(email);
      if (first !== second) expect((await verify({ email, code: first, ageConfirmed13Plus: true }, ip).expect(401)).body.code).toBe('INVALID_CODE');
      await verify({ email, code: second, ageConfirmed13Plus: true }, ip).expect(200);
    });

    it('refuses suspended, terminated and deleted accounts with 403 ACCOUNT_UNAVAILABLE, only once the right code is shown', async () => {
      for (const status of ['suspended', 'terminated', 'deleted']) {
        const email = `${status}.account@example.test`;
        await t.app.get(UsersService).ensure(email, status, 'US');
        await ds.query(`UPDATE users SET status = $2 WHERE email = $1`, [email, status]);
        const ip = newIp();
        await requestCode(email, ip).expect(202);
        const code = await codeFrom(email);
        expect((await verify({ email, code: code === '000000' ? '000001' : '000000' }, ip).expect(401)).body.code).toBe('INVALID_CODE');
        const r = await verify({ email, code }, ip).expect(403);
        expect(r.body.code).toBe('ACCOUNT_UNAVAILABLE');
        expect(await count(`SELECT 1 FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1`, [email])).toBe(0);
        expect((await verify({ email, code }, ip).expect(400)).body.code).toBe('CODE_ALREADY_USED');
      }
    });

    it('lets restricted accounts and accounts pending deletion sign in', async () => {
      for (const status of ['restricted', 'pending_deletion']) {
        const email = `${status.replace('_', '.')}.account@example.test`;
        await t.app.get(UsersService).ensure(email, status, 'US');
        await ds.query(`UPDATE users SET status = $2 WHERE email = $1`, [email, status]);
        const token = await signIn(email);
        const me = await request(t.server).get('/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
        expect(me.body.status).toBe(status);
      }
    });
  });

  describe('rate limits (stored in PostgreSQL)', () => {
    it('allows five codes per address an hour, then answers 429 RATE_LIMITED with Retry-After and sends nothing more', async () => {
      const email = 'flooded@example.test';
      for (let i = 0; i < 5; i += 1) await requestCode(email, newIp()).expect(202);
      const r = await requestCode(email, newIp()).expect(429);
      expect(r.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
      const retryAfter = Number(r.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(await count(`SELECT 1 FROM notifications WHERE recipient = $1`, [email])).toBe(5);

      // The refused request was not counted: this address's hits are the last five of the bucket.
      const oldestOfThisAddress = `(SELECT min(id) FROM (SELECT id FROM rate_limit_hits WHERE bucket = 'login-code:email' ORDER BY id DESC LIMIT 5) last5)`;
      await ds.query(`UPDATE rate_limit_hits SET hit_at = now() - interval '59 minutes' WHERE id = ${oldestOfThisAddress}`);
      const soon = await requestCode(email, newIp()).expect(429);
      expect(Number(soon.headers['retry-after'])).toBeLessThanOrEqual(60);
      // Once the oldest request is more than an hour old, one more is allowed (a sliding window).
      await ds.query(`UPDATE rate_limit_hits SET hit_at = now() - interval '61 minutes' WHERE id = ${oldestOfThisAddress}`);
      await requestCode(email, newIp()).expect(202);
      await requestCode(email, newIp()).expect(429);
      expect(await count(`SELECT 1 FROM notifications WHERE recipient = $1`, [email])).toBe(6);
    });

    it('limits an unknown address exactly like an existing one', async () => {
      const known = 'limited.known@example.test';
      await t.app.get(UsersService).ensure(known, 'Known', 'US');
      const unknown = 'limited.unknown@example.test';
      for (const email of [known, unknown]) for (let i = 0; i < 5; i += 1) await requestCode(email, newIp()).expect(202);
      const a = await requestCode(known, newIp()).expect(429);
      const b = await requestCode(unknown, newIp()).expect(429);
      expect(b.body).toEqual(a.body);
    });

    it('allows twenty codes per network an hour, whatever the addresses', async () => {
      const ip = newIp();
      for (let i = 0; i < 20; i += 1) await requestCode(`crowd.${i}@example.test`, ip).expect(202);
      const r = await requestCode('crowd.20@example.test', ip).expect(429);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      await requestCode('crowd.20@example.test', newIp()).expect(202);
    });

    it('limits code guesses per network across addresses', async () => {
      const ip = newIp();
      for (let i = 0; i < 60; i += 1) await verify({ email: `guess.${i}@example.test`, code: '123456' }, ip).expect(401);
      const r = await verify({ email: 'guess.60@example.test', code: '123456' }, ip).expect(429);
      expect(r.body.code).toBe('RATE_LIMITED');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('stores rate-limit keys as keyed hashes, never the address or the IP', async () => {
      const rows = (await ds.query(`SELECT bucket, encode(key_hash, 'hex') AS key FROM rate_limit_hits LIMIT 50`)) as Array<{ bucket: string; key: string }>;
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.key).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('sessions and tokens', () => {
    it('revokes the session on logout; the other sessions of the user keep working', async () => {
      const email = 'two.devices@example.test';
      const phone = await signIn(email);
      const laptop = await signIn(email);
      await request(t.server).post('/v1/auth/logout').set('Authorization', `Bearer ${phone}`).expect(204);
      const r = await request(t.server).get('/v1/me').set('Authorization', `Bearer ${phone}`).expect(401);
      expect(r.body.code).toBe('UNAUTHENTICATED');
      await request(t.server).post('/v1/auth/logout').set('Authorization', `Bearer ${phone}`).expect(401);
      await request(t.server).get('/v1/me').set('Authorization', `Bearer ${laptop}`).expect(200);
      const [row] = (await ds.query(`SELECT count(*)::int AS n FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 AND revoked_reason = 'logout'`, [email])) as Array<{ n: number }>;
      expect(row!.n).toBe(1);
    });

    it('stops the tokens of terminated and deleted users', async () => {
      for (const status of ['terminated', 'deleted']) {
        const email = `gone.${status}@example.test`;
        const token = await signIn(email);
        await request(t.server).get('/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
        await ds.query(`UPDATE users SET status = $2 WHERE email = $1`, [email, status]);
        expect((await request(t.server).get('/v1/me').set('Authorization', `Bearer ${token}`).expect(401)).body.code).toBe('UNAUTHENTICATED');
      }
    });

    it('refuses staff tokens on /v1, user tokens on /admin, and tampered or missing tokens', async () => {
      const password = 'correct horse battery';
      await t.app.get(StaffService).ensure('ops@soar2.test', 'Ops', 'admin', password);
      const staff = await request(t.server).post('/admin/auth/login').send({ email: 'ops@soar2.test', password }).expect(200);
      const user = await signIn('crossing.over@example.test');

      await request(t.server).get('/v1/me').set('Authorization', `Bearer ${staff.body.token}`).expect(401);
      await request(t.server).get('/admin/staff').set('Authorization', `Bearer ${user}`).expect(401);
      await request(t.server).get('/admin/auth/me').set('Authorization', `Bearer ${user}`).expect(401);
      const tampered = `${user.slice(0, -2)}${user.endsWith('AA') ? 'BB' : 'AA'}`;
      await request(t.server).get('/v1/me').set('Authorization', `Bearer ${tampered}`).expect(401);
      await request(t.server).get('/v1/me').set('Authorization', 'Bearer ut_').expect(401);
      await request(t.server).get('/v1/me').expect(401);
      await request(t.server).post('/v1/auth/logout').expect(401);
    });
  });

  describe('profile', () => {
    it('changes the display name and region of the caller only, normalising the region', async () => {
      const alice = await signIn('alice.profile@example.test');
      const bob = await signIn('bob.profile@example.test');
      const r = await request(t.server).patch('/v1/me').set('Authorization', `Bearer ${alice}`).send({ displayName: '  Alice  ', region: 'us-ca' }).expect(200);
      expect(r.body).toMatchObject({ email: 'alice.profile@example.test', displayName: 'Alice', region: 'US-CA' });
      expect(await userRow('alice.profile@example.test')).toMatchObject({ display_name: 'Alice', region: 'US-CA' });
      expect(await userRow('bob.profile@example.test')).toMatchObject({ display_name: null, region: null });
      const bobMe = await request(t.server).get('/v1/me').set('Authorization', `Bearer ${bob}`).expect(200);
      expect(bobMe.body.email).toBe('bob.profile@example.test');

      const cleared = await request(t.server).patch('/v1/me').set('Authorization', `Bearer ${alice}`).send({ region: null }).expect(200);
      expect(cleared.body).toMatchObject({ displayName: 'Alice', region: null });
      const eu = await request(t.server).patch('/v1/me').set('Authorization', `Bearer ${alice}`).send({ region: 'EU' }).expect(200);
      expect(eu.body.region).toBe('EU');
    });

    it('refuses invalid values with 422 naming the field', async () => {
      const token = await signIn('picky.profile@example.test');
      const cases: Array<[Record<string, unknown>, string, RegExp]> = [
        [{ region: 'uk' }, 'region', /^The region code of the United Kingdom is GB\.$/],
        [{ region: 'XX' }, 'region', /^The region must be a two-letter country code/],
        [{ region: 'CA-QC' }, 'region', /^Regions within CA are not used/],
        [{ region: 7 }, 'region', /region/i],
        [{ displayName: '' }, 'displayName', /1 to 80 characters/],
        [{ displayName: 'x'.repeat(81) }, 'displayName', /1 to 80 characters/],
        [{ displayName: 'evil\u202Eeman' }, 'displayName', /text-direction/],
      ];
      for (const [body, field, message] of cases) {
        const r = await request(t.server).patch('/v1/me').set('Authorization', `Bearer ${token}`).send(body).expect(422);
        expect(Object.keys(r.body.errors)).toEqual([field]);
        expect(r.body.errors[field]).toMatch(message);
      }
      expect(await userRow('picky.profile@example.test')).toMatchObject({ display_name: null, region: null });
    });

    it('refuses changes to status, email, id or any other account of a user (no route takes another user’s id)', async () => {
      const mallory = await signIn('mallory@example.test');
      const victim = await userRow((await t.app.get(UsersService).ensure('victim.profile@example.test', 'Victim', 'FR')).email);
      for (const body of [{ status: 'active' }, { email: 'mallory2@example.test' }, { id: victim!.id }, { userId: victim!.id, displayName: 'pwned' }]) {
        const r = await request(t.server).patch('/v1/me').set('Authorization', `Bearer ${mallory}`).send(body).expect(422);
        expect(r.body.code).toBe('VALIDATION_FAILED');
      }
      await request(t.server).get(`/v1/users/${victim!.id}`).set('Authorization', `Bearer ${mallory}`).expect(404);
      await request(t.server).patch(`/v1/me/${victim!.id}`).set('Authorization', `Bearer ${mallory}`).send({ displayName: 'pwned' }).expect(404);
      expect(await userRow('victim.profile@example.test')).toMatchObject({ display_name: 'Victim', region: 'FR', status: 'active' });
      expect(await userRow('mallory@example.test')).toMatchObject({ status: 'active' });
    });
  });

  describe('email change', () => {
    it('confirms a new address with a code sent there, signs out the other sessions and tells the old address', async () => {
      const oldEmail = 'mover.old@example.test';
      const newEmail = 'mover.new@example.test';
      secrets.add(newEmail);
      const current = await signIn(oldEmail);
      const otherDevice = await signIn(oldEmail);

      const sent = await request(t.server).post('/v1/me/email').set('Authorization', `Bearer ${current}`).send({ newEmail: 'Mover.New@Example.test' }).expect(202);
      expect(sent.body.expiresInSeconds).toBe(600);
      const code = await codeFrom(newEmail, 'auth.email_change_code');
      expect(await userRow(oldEmail)).toBeDefined();

      const wrong = await request(t.server).post('/v1/me/email/verify').set('Authorization', `Bearer ${current}`).send({ code: code === '000000' ? '000001' : '000000' }).expect(400);
      expect(wrong.body.code).toBe('INVALID_CODE');
      const r = await request(t.server).post('/v1/me/email/verify').set('Authorization', `Bearer ${current}`).send({ code }).expect(200);
      expect(r.body.email).toBe(newEmail);
      expect(await userRow(oldEmail)).toBeUndefined();
      expect(await userRow(newEmail)).toMatchObject({ status: 'active' });

      await request(t.server).get('/v1/me').set('Authorization', `Bearer ${current}`).expect(200);
      await request(t.server).get('/v1/me').set('Authorization', `Bearer ${otherDevice}`).expect(401);

      const notice = await lastMail(oldEmail, 'auth.email_changed');
      expect(notice.subject).toBe('The sign-in email of your Soar2 account was changed');
      expect(notice.text).toContain('m***@***.test');
      expect(notice.text).not.toContain(newEmail);
      expect(notice.text).toMatch(/signed out/);
      const [noticeRow] = (await ds.query(`SELECT class, text_body FROM notifications WHERE id = $1`, [notice.id])) as Array<{ class: string; text_body: string }>;
      expect(noticeRow!.class).toBe('service_critical');

      const reused = await request(t.server).post('/v1/me/email/verify').set('Authorization', `Bearer ${current}`).send({ code }).expect(400);
      expect(reused.body.code).toBe('CODE_ALREADY_USED');
      const again = await signIn(newEmail);
      expect((await request(t.server).get('/v1/me').set('Authorization', `Bearer ${again}`).expect(200)).body.email).toBe(newEmail);
    });

    it('answers a taken address exactly like a free one, sends no code there, and the change can never be confirmed', async () => {
      const owner = 'address.owner@example.test';
      await t.app.get(UsersService).ensure(owner, 'Owner', 'GB');
      const token = await signIn('address.wanter@example.test');
      const freeAnswer = await request(t.server).post('/v1/me/email').set('Authorization', `Bearer ${token}`).send({ newEmail: 'free.address@example.test' }).expect(202);
      const takenAnswer = await request(t.server).post('/v1/me/email').set('Authorization', `Bearer ${token}`).send({ newEmail: owner }).expect(202);
      expect(takenAnswer.body).toEqual(freeAnswer.body);

      const notice = await lastMail(owner, 'auth.email_change_address_in_use');
      expect(notice.text).toMatch(/already belongs to a Soar2 account/);
      expect(notice.text).not.toMatch(/\b\d{6}\b/);
      expect(await count(`SELECT 1 FROM notifications WHERE recipient = $1 AND kind = 'auth.email_change_code'`, [owner])).toBe(0);

      for (const code of ['000000', '123456']) {
        const r = await request(t.server).post('/v1/me/email/verify').set('Authorization', `Bearer ${token}`).send({ code }).expect(400);
        expect(r.body.code).toBe('INVALID_CODE');
      }
      expect(await userRow('address.wanter@example.test')).toBeDefined();
      expect(await userRow(owner)).toMatchObject({ display_name: 'Owner' });
    });

    it('fails generically when the new address is taken between the request and the confirmation', async () => {
      const token = await signIn('slow.mover@example.test');
      const target = 'raced.address@example.test';
      await request(t.server).post('/v1/me/email').set('Authorization', `Bearer ${token}`).send({ newEmail: target }).expect(202);
      const code = await codeFrom(target, 'auth.email_change_code');
      await t.app.get(UsersService).ensure(target, 'Faster', 'US');
      const r = await request(t.server).post('/v1/me/email/verify').set('Authorization', `Bearer ${token}`).send({ code }).expect(400);
      expect(r.body.code).toBe('INVALID_CODE');
      expect(await userRow('slow.mover@example.test')).toBeDefined();
    });

    it('refuses the current address, malformed addresses and malformed codes with 422', async () => {
      const email = 'same.address@example.test';
      const token = await signIn(email);
      const same = await request(t.server).post('/v1/me/email').set('Authorization', `Bearer ${token}`).send({ newEmail: 'SAME.address@example.test' }).expect(422);
      expect(same.body.errors).toEqual({ newEmail: 'This is already the email address of your account.' });
      await request(t.server).post('/v1/me/email').set('Authorization', `Bearer ${token}`).send({ newEmail: 'nope' }).expect(422);
      await request(t.server).post('/v1/me/email/verify').set('Authorization', `Bearer ${token}`).send({ code: 'abc' }).expect(422);
      await request(t.server).post('/v1/me/email').send({ newEmail: 'x@example.test' }).expect(401);
    });
  });

  describe('keyed email lookup (decision 020)', () => {
    it('stores HMAC-SHA256 of the normalised address under the lookup key and finds the account by it, whatever the case', async () => {
      const token = await signIn('keyed.lookup@example.test');
      const user = await userRow('keyed.lookup@example.test');
      const [row] = (await ds.query(`SELECT email_lookup FROM users WHERE id = $1`, [user!.id])) as Array<{ email_lookup: Buffer }>;
      expect(row!.email_lookup.equals(t.app.get(EmailLookupService).of(' Keyed.Lookup@Example.test'))).toBe(true);
      expect(row!.email_lookup.includes(Buffer.from('keyed.lookup'))).toBe(false);
      const ip = newIp();
      await requestCode('KEYED.Lookup@example.test', ip).expect(202);
      const code = await codeFrom('keyed.lookup@example.test');
      const again = (await verify({ email: 'KEYED.Lookup@example.test', code, ageConfirmed13Plus: true }, ip).expect(200)).body.token as string;
      secrets.add(again);
      const [a, b] = await Promise.all([token, again].map(async (tk) => (await request(t.server).get('/v1/me').set('Authorization', `Bearer ${tk}`).expect(200)).body.id as string));
      expect(a).toBe(b);
    });

    it('signs in through the hash only: the clear contact column is not what finds the account', async () => {
      const email = 'hash.only@example.test';
      await signIn(email);
      const user = await userRow(email);
      // The contact column no longer holds the address; the hash still does, so the same account signs in.
      await ds.query(`UPDATE users SET email = 'contact.elsewhere@example.test' WHERE id = $1`, [user!.id]);
      const token = await signIn(email);
      const me = await request(t.server).get('/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
      expect(me.body.id).toBe(user!.id);
      expect(await count(`SELECT 1 FROM users WHERE email = $1`, [email])).toBe(0);
      await ds.query(`UPDATE users SET email = $2 WHERE id = $1`, [user!.id, email]);
    });

    it('moves the hash with an email change, so the old address finds no account and the new one does', async () => {
      const token = await signIn('hash.mover@example.test');
      await request(t.server).post('/v1/me/email').set('Authorization', `Bearer ${token}`).send({ newEmail: 'hash.moved@example.test' }).expect(202);
      secrets.add('hash.moved@example.test');
      const code = await codeFrom('hash.moved@example.test', 'auth.email_change_code');
      await request(t.server).post('/v1/me/email/verify').set('Authorization', `Bearer ${token}`).send({ code }).expect(200);
      const users = t.app.get(UsersService);
      expect(await users.findByEmail('hash.mover@example.test')).toBeNull();
      expect((await users.findByEmail('Hash.Moved@example.test'))?.email).toBe('hash.moved@example.test');
    });
  });

  describe('last seen', () => {
    it(`writes last_seen_at at most every ${LAST_SEEN_RESOLUTION_SECONDS} s while every request still checks revocation and expiry`, async () => {
      const auth = t.app.get(UserAuthService);
      const user = await t.app.get(UsersService).ensure('last.seen@example.test', 'Seen', 'EU');
      const { token, sessionId } = await auth.createSession(user.id);
      const lastSeen = async (): Promise<number | null> => {
        const [row] = (await ds.query(`SELECT last_seen_at FROM user_sessions WHERE id = $1`, [sessionId])) as Array<{ last_seen_at: Date | null }>;
        return row!.last_seen_at?.getTime() ?? null;
      };
      const t0 = new Date(Date.now() + 1000);
      const at = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000);
      expect(await lastSeen()).toBeNull();
      await auth.authenticate(token, at(0));
      expect(await lastSeen()).toBe(at(0).getTime());
      // Within the resolution: authenticated, nothing written.
      await expect(auth.authenticate(token, at(30))).resolves.toMatchObject({ id: user.id, sessionId });
      await auth.authenticate(token, at(LAST_SEEN_RESOLUTION_SECONDS - 1));
      expect(await lastSeen()).toBe(at(0).getTime());
      // Past it: written again.
      await auth.authenticate(token, at(LAST_SEEN_RESOLUTION_SECONDS + 1));
      expect(await lastSeen()).toBe(at(LAST_SEEN_RESOLUTION_SECONDS + 1).getTime());
      // A request carrying an older clock never moves it back.
      await auth.authenticate(token, at(-120));
      expect(await lastSeen()).toBe(at(LAST_SEEN_RESOLUTION_SECONDS + 1).getTime());
      // Revocation takes effect on the very next request, inside the resolution window.
      await auth.revoke(sessionId, 'logout');
      await expect(auth.authenticate(token, at(LAST_SEEN_RESOLUTION_SECONDS + 2))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('refuses a session once it expired, even when last_seen_at was written a moment before', async () => {
      const auth = t.app.get(UserAuthService);
      const user = await t.app.get(UsersService).ensure('expiring.seen@example.test', 'Expiring', 'EU');
      const { token, expiresAt } = await auth.createSession(user.id);
      await auth.authenticate(token, new Date(expiresAt.getTime() - 1000));
      await expect(auth.authenticate(token, new Date(expiresAt.getTime() + 1000))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });

  describe('access log', () => {
    it('records each sign-in and at most one entry an hour of API use per session, with the user agent parsed', async () => {
      const email = 'logged.user@example.test';
      const ip = newIp();
      const token = await signIn(email, ip, IPHONE_SAFARI);
      const user = await userRow(email);
      type Row = { event: string; ip: string | null; user_agent: string | null; device_type: string; browser: string; os: string; session_id: string };
      type Stored = Omit<Row, 'ip' | 'user_agent'> & { id: string; clear_ip: string | null; clear_ua: string | null; ip_sealed: Buffer; user_agent_sealed: Buffer };
      // IP and user agent are stored sealed with the user's data key only (decision 020).
      const entries = async (): Promise<Row[]> => {
        const stored = (await ds.query(
          `SELECT id, event, ip AS clear_ip, user_agent AS clear_ua, ip_sealed, user_agent_sealed, device_type, browser, os, session_id FROM access_log WHERE user_id = $1 ORDER BY created_at`,
          [user!.id],
        )) as Stored[];
        const keys = t.app.get(DataKeysService);
        return Promise.all(
          stored.map(async ({ id, clear_ip, clear_ua, ip_sealed, user_agent_sealed, ...rest }) => {
            expect([clear_ip, clear_ua]).toEqual([null, null]);
            expect(ip_sealed.includes(Buffer.from(ip))).toBe(false);
            return { ...rest, ip: await keys.openText(user!.id, ip_sealed, `access_log.ip:${id}`), user_agent: await keys.openText(user!.id, user_agent_sealed, `access_log.user_agent:${id}`) };
          }),
        );
      };

      expect(await entries()).toEqual([
        { event: 'login', ip, user_agent: IPHONE_SAFARI, device_type: 'mobile', browser: 'Safari 17', os: 'iOS 17.5', session_id: expect.any(String) },
      ]);
      for (let i = 0; i < 3; i += 1) await request(t.server).get('/v1/me').set('Authorization', `Bearer ${token}`).set('X-Forwarded-For', ip).expect(200);
      expect(await entries()).toHaveLength(1);

      // An hour later the next request writes one api_session entry, and the one after it none.
      await ds.query(`UPDATE user_sessions SET access_logged_at = now() - interval '61 minutes' WHERE user_id = $1`, [user!.id]);
      const laterIp = newIp();
      for (let i = 0; i < 3; i += 1) {
        await request(t.server).get('/v1/me').set('Authorization', `Bearer ${token}`).set('X-Forwarded-For', laterIp).set('User-Agent', WINDOWS_FIREFOX).expect(200);
      }
      const after = await entries();
      expect(after).toHaveLength(2);
      expect(after[1]).toEqual({ event: 'api_session', ip: laterIp, user_agent: WINDOWS_FIREFOX, device_type: 'desktop', browser: 'Firefox 127', os: 'Windows 10/11', session_id: after[0]!.session_id });
    });

    it('writes one entry when two requests of a session arrive together after an hour', async () => {
      const email = 'parallel.user@example.test';
      const token = await signIn(email);
      const user = await userRow(email);
      await ds.query(`UPDATE user_sessions SET access_logged_at = now() - interval '2 hours' WHERE user_id = $1`, [user!.id]);
      await Promise.all(Array.from({ length: 5 }, () => request(t.server).get('/v1/me').set('Authorization', `Bearer ${token}`).expect(200)));
      expect(await count(`SELECT 1 FROM access_log WHERE user_id = $1 AND event = 'api_session'`, [user!.id])).toBe(1);
    });
  });

  it('purges codes a day after they expired and rate-limit hits older than a day', async () => {
    const email = 'purged.codes@example.test';
    await requestCode(email, newIp()).expect(202);
    await requestCode('kept.codes@example.test', newIp()).expect(202);
    await ds.query(`UPDATE verification_codes SET expires_at = now() - interval '25 hours' WHERE email = $1`, [email]);
    const [aged] = (await ds.query(`UPDATE rate_limit_hits SET hit_at = now() - interval '25 hours' WHERE id = (SELECT max(id) FROM rate_limit_hits) RETURNING id`)) as [Array<{ id: string }>, number];
    const oldHit = aged[0]!.id;
    const before = await count(`SELECT 1 FROM rate_limit_hits`, []);

    const purged = await t.app.get(SignInPurge).purge();
    expect(purged.codes).toBeGreaterThanOrEqual(1);
    expect(purged.rateLimitHits).toBeGreaterThanOrEqual(1);
    expect(await count(`SELECT 1 FROM verification_codes WHERE email = $1`, [email])).toBe(0);
    expect(await count(`SELECT 1 FROM verification_codes WHERE email = 'kept.codes@example.test'`, [])).toBe(1);
    expect(await count(`SELECT 1 FROM rate_limit_hits WHERE id = $1`, [oldHit])).toBe(0);
    expect(await count(`SELECT 1 FROM rate_limit_hits`, [])).toBe(before - purged.rateLimitHits);
  });

  it('documents the public sign-in and profile routes in the OpenAPI document', async () => {
    const r = await request(t.server).get('/docs-json').expect(200);
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/v1/auth/login-code', '/v1/auth/verify', '/v1/auth/logout', '/v1/me', '/v1/me/email', '/v1/me/email/verify']));
  });

  it('never writes addresses, codes, tokens, IPs or user agents to the logs', () => {
    const text = JSON.stringify(t.logs);
    expect(text).toContain('user signed in');
    expect(secrets.size).toBeGreaterThan(20);
    for (const value of secrets) expect(text).not.toContain(value);
    expect(codes.size).toBeGreaterThan(10);
    for (const code of codes) expect(text).not.toMatch(new RegExp(`(?<![0-9a-f-])${code}(?![0-9a-f])`));
    expect(text).not.toMatch(/sign-in code is|confirmation code is/);
    for (const ua of [IPHONE_SAFARI, WINDOWS_FIREFOX, 'Firefox/127', 'iPhone OS']) expect(text).not.toContain(ua);
  });
});

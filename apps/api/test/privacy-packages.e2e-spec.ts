import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { retentionCutoff, type PackageManifest } from '@soar2/privacy';
import { imageSize } from 'image-size';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { repoRoot } from '../src/config/app-config';
import { AccessLogService } from '../src/identity/access-log.service';
import { PersonalDataRegistry } from '../src/personal-data/personal-data.registry';
import { AccessPackageService, type AccessPackageEvent, type AccessPackageStatus, hashDownloadToken } from '../src/privacy-packages/access-package.service';
import { exportValidators } from '../src/privacy-packages/export-validator';
import { RetentionSweeperRegistry } from '../src/retention/retention-sweepers.registry';
import { StorageService } from '../src/storage/storage.service';
import { TEST_MEDIA_PREFIX, registerTestSources, storedFilesSource } from './support/personal-data-sources';
import { createTestDatabase } from './support/test-database';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';
import { readZip } from './support/zip-reader';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Polls a package's status until `done` says so (builds run in the app's worker). */
async function waitFor(service: AccessPackageService, packageId: string, done: (s: AccessPackageStatus) => boolean, timeoutMs = 20_000): Promise<AccessPackageStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await service.status(packageId);
    if (done(s)) return s;
    if (Date.now() > deadline) throw new Error(`package ${packageId} still ${s.state} (${JSON.stringify(s.progress)}, ${s.errorCode ?? ""}, attempts ${s.attempts})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function download(t: TestApp, url: string): Promise<request.Response> {
  return request(t.server).get(new URL(url).pathname).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

describe('privacy packages: access package build, contents and download links', () => {
  let t: TestApp;
  let service: AccessPackageService;
  let user: { id: string; token: string };
  const videos = [randomBytes(300_000), randomBytes(70_000)];
  const ready: AccessPackageEvent[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    service = t.app.get(AccessPackageService);
    service.onReady(async (event, manager) => {
      // Runs inside the transaction that marks the package ready.
      const rows = (await manager.query(`SELECT state FROM access_packages WHERE id = $1`, [event.packageId])) as Array<{ state: string }>;
      expect(rows[0]?.state).toBe('ready');
      ready.push(event);
    });
    registerTestSources(t.app);
    user = await userWithToken(t.app, 'ada@example.com');
    const log = t.app.get(AccessLogService);
    for (let i = 0; i < 3; i += 1) {
      await log.record({ userId: user.id, sessionId: null, event: 'login', client: { ip: `203.0.113.${i + 1}`, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0' } });
    }
    const storage = t.app.get(StorageService);
    await storage.put(`${TEST_MEDIA_PREFIX}/${user.id}/first.mp4`, videos[0]!, { contentType: 'video/mp4' });
    await storage.put(`${TEST_MEDIA_PREFIX}/${user.id}/second.mp4`, videos[1]!, { contentType: 'video/mp4' });
  });
  afterAll(async () => {
    if (process.env.DEBUG_LOGS) console.log(JSON.stringify(t.logs.filter((l) => Number(l.level) >= 40), null, 1).slice(0, 5000));
    await t.close();
  });

  let packageId: string;
  let zip: Buffer;
  let link: string;

  it('builds a package whose zip opens, whose manifest checksums match and whose data.json validates with every category', async () => {
    ({ packageId } = await service.build({ userId: user.id, requestId: null, format: 'access' }));
    const status = await waitFor(service, packageId, (s) => s.state === 'ready' || s.state === 'failed');
    expect(status.state).toBe('ready');
    const categories = t.app.get(PersonalDataRegistry).list().map((s) => s.category);
    expect(status.progress).toEqual({ categoriesDone: categories.length, categoriesTotal: categories.length, bytes: status.size });
    expect(ready.map((e) => e.packageId)).toEqual([packageId]);

    ({ url: link } = await service.issueDownloadLink(packageId));
    const r = await download(t, link);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/zip');
    expect(r.headers['content-disposition']).toMatch(/attachment; filename="soar2-personal-data-\d{4}-\d{2}-\d{2}\.zip"/);
    zip = r.body as Buffer;
    expect(zip.length).toBe(status.size);
    expect(sha256(zip)).toBe(status.sha256);

    const entries = await readZip(zip);
    const manifest = JSON.parse(entries.get('manifest.json')!.bytes.toString('utf8')) as PackageManifest;
    expect(exportValidators().manifest(manifest)).toBe(true);
    const listed = manifest.files.map((f) => f.path).sort();
    expect(listed).toEqual([...entries.keys()].filter((n) => n !== 'manifest.json').sort());
    for (const f of manifest.files) {
      const entry = entries.get(f.path)!;
      expect({ path: f.path, size: entry.bytes.length, sha256: sha256(entry.bytes) }).toEqual({ path: f.path, size: f.size, sha256: f.sha256 });
    }

    const data = JSON.parse(entries.get('data.json')!.bytes.toString('utf8')) as {
      categories: Array<{ category: string; recordCount: number; csv: string; records: Array<{ data: Record<string, unknown>; media?: Array<{ path: string }> }> }>;
    };
    const validate = exportValidators().dataJson;
    expect(validate.errors ?? null).toBeNull();
    expect(validate(data)).toBe(true);
    expect(data.categories.map((c) => c.category)).toEqual(categories);
    const byName = Object.fromEntries(data.categories.map((c) => [c.category, c]));
    expect(byName['identity.profile']!.records[0]!.data.email).toBe('ada@example.com');
    expect(byName['identity.access_log']!.recordCount).toBe(3);
    expect(byName['generation.videos']!.records.flatMap((r) => r.media!.map((m) => m.path)).sort()).toEqual(['media/videos/first.mp4', 'media/videos/second.mp4']);

    // Media: the very bytes, stored (not deflated).
    expect(sha256(entries.get('media/videos/first.mp4')!.bytes)).toBe(sha256(videos[0]!));
    expect(entries.get('media/videos/first.mp4')!.compressionMethod).toBe(0);
    expect(sha256(entries.get('media/videos/second.mp4')!.bytes)).toBe(sha256(videos[1]!));

    // CSV per category, with its header and one line per record.
    const csv = entries.get('csv/identity.access_log.csv')!.bytes.toString('utf8').replace(/^\uFEFF/, '');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,event,ip,userAgent,device.type,device.browser,device.os');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => l.split(',')[2]).sort()).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.3']);
    for (const c of data.categories) expect(entries.has(c.csv)).toBe(true);
  });

  it('renders report.pdf: page 1 converts to a PNG and the text names the categories, recipients and retention', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'soar2-report-'));
    try {
      return readZip(zip).then((entries) => {
        const pdf = path.join(work, 'report.pdf');
        writeFileSync(pdf, entries.get('report.pdf')!.bytes);
        // poppler-utils (Debian package) provides pdftoppm and pdftotext.
        execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, path.join(work, 'page1')]);
        const png = path.join(work, 'page1.png');
        const size = imageSize(readFileSync(png));
        expect(size.width).toBeGreaterThan(400);
        expect((size.height ?? 0) / (size.width ?? 1)).toBeCloseTo(297 / 210, 1);
        const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString('utf8');
        for (const needle of ['Your personal data at Soar2', 'Categories of data', 'identity.access_log', 'generation.videos', 'Stripe, Inc.', 'How long we keep it', 'Your rights']) {
          expect(text).toContain(needle);
        }
        if (process.env.UPDATE_SCREENSHOTS === '1') {
          const shots = path.join(repoRoot(), 'docs', 'screenshots');
          mkdirSync(shots, { recursive: true });
          execFileSync('pdftoppm', ['-png', '-r', '90', '-f', '1', '-l', '1', '-singlefile', pdf, path.join(work, 'shot')]);
          copyFileSync(path.join(work, 'shot.png'), path.join(shots, 'access-report.png'));
        }
        expect(existsSync(path.join(repoRoot(), 'docs', 'screenshots', 'access-report.png'))).toBe(true);
      });
    } finally {
      setTimeout(() => rmSync(work, { recursive: true, force: true }), 5000).unref();
    }
  });

  it('serves byte ranges and audits every download', async () => {
    const r = await request(t.server).get(new URL(link).pathname).set('Range', 'bytes=0-99').buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(r.status).toBe(206);
    expect(Buffer.compare(r.body as Buffer, zip.subarray(0, 100))).toBe(0);
    const audits = (await t.app.get(DataSource).query(
      `SELECT actor_type, actor_id, subject_id, details FROM audit_log WHERE action = 'access_package.download' ORDER BY sequence`,
    )) as Array<{ actor_type: string; actor_id: string; subject_id: string; details: { range: string | null } }>;
    expect(audits.map((a) => [a.actor_type, a.actor_id, a.subject_id, a.details.range])).toEqual([
      ['user', user.id, packageId, null],
      ['user', user.id, packageId, 'bytes=0-99'],
    ]);
  });

  it('answers 410 with a readable page for an expired link, also one used before, and 404 for an unknown one', async () => {
    const db = t.app.get(DataSource);
    const used = await service.issueDownloadLink(packageId);
    expect((await download(t, used.url)).status).toBe(200);
    const unused = await service.issueDownloadLink(packageId, { ttlDays: 1 });
    // The links' time passes: both expire.
    for (const l of [used, unused]) {
      await db.query(`UPDATE access_package_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [hashDownloadToken(l.token)]);
    }
    const ttl = (await db.query(`SELECT round(extract(epoch FROM (expires_at - created_at)) / 86400) AS days FROM access_package_tokens ORDER BY created_at LIMIT 1`)) as Array<{ days: string }>;
    expect(Number(ttl[0]!.days)).toBe(7);
    for (const url of [used.url, unused.url]) {
      const r = await request(t.server).get(new URL(url).pathname).set('Accept', 'text/html');
      expect(r.status).toBe(410);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.text).toContain('This download link has expired');
      expect(r.text).toContain('DOWNLOAD_LINK_EXPIRED');
    }
    const asJson = await request(t.server).get(new URL(used.url).pathname).set('Accept', 'application/json');
    expect(asJson.status).toBe(410);
    expect(asJson.body.code).toBe('DOWNLOAD_LINK_EXPIRED');
    const unknown = await request(t.server).get(`/v1/downloads/${randomBytes(32).toString('base64url')}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('This download link is not valid');
    // Refused requests download nothing, so they are not recorded as downloads.
    const count = (await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'access_package.download'`)) as Array<{ n: number }>;
    expect(count[0]!.n).toBe(3);
    // Logs never carry the token.
    expect(JSON.stringify(t.logs)).not.toContain(new URL(used.url).pathname.split('/').pop());
  });

  it('answers 410 once the retention sweep purged the package, even while the link is still valid', async () => {
    const { url } = await service.issueDownloadLink(packageId);
    const ds = t.app.get(DataSource);
    // The access_packages policy's keep days (7) set the purge date shown to the requester.
    const [{ days }] = (await ds.query(`SELECT round(extract(epoch FROM expires_at - ready_at) / 86400)::int AS days FROM access_packages WHERE id = $1`, [packageId])) as Array<{ days: number }>;
    expect(days).toBe(7);
    await ds.query(`UPDATE access_packages SET ready_at = now() - interval '8 days' WHERE id = $1`, [packageId]);
    const sweeper = t.app.get(RetentionSweeperRegistry).get('access_packages')!;
    const window = { cutoff: retentionCutoff(new Date(), 7), keepDays: 7 };
    expect(await ds.transaction((m) => sweeper.sweepBatch(window, 100, m))).toEqual({ deleted: 1, anonymised: 0 });
    expect(await ds.transaction((m) => sweeper.sweepBatch(window, 100, m))).toEqual({ deleted: 0, anonymised: 0 });
    expect((await service.status(packageId)).state).toBe('purged');
    expect(await t.app.get(StorageService).exists((await service.status(packageId)).storageKey!)).toBe(false);
    expect((await request(t.server).get(new URL(url).pathname)).status).toBe(410);
  });

  it('shows progress to privacy officers in the console API, and to nobody else', async () => {
    const officer = await issueStaffToken(t.app, await ensureStaff(t.app, 'privacy_officer'));
    const list = await request(t.server).get('/admin/privacy-packages').query({ filter: JSON.stringify({ userId: user.id }) }).set('Authorization', `Bearer ${officer}`).expect(200);
    expect(list.headers['content-range']).toBe('privacy-packages 0-0/1');
    const total = t.app.get(PersonalDataRegistry).list().length;
    expect(list.body[0]).toMatchObject({ id: packageId, state: 'purged', progress: { categoriesDone: total, categoriesTotal: total } });
    const one = await request(t.server).get(`/admin/privacy-packages/${packageId}`).set('Authorization', `Bearer ${officer}`).expect(200);
    expect(one.body.id).toBe(packageId);
    const agent = await issueStaffToken(t.app, await ensureStaff(t.app, 'support_agent'));
    await request(t.server).get('/admin/privacy-packages').set('Authorization', `Bearer ${agent}`).expect(403);
    await request(t.server).get(`/admin/privacy-packages/${randomUUIDv4()}`).set('Authorization', `Bearer ${officer}`).expect(404);
  });

  it('sends the job again for a package left queued without one (a crash between recording and enqueueing)', async () => {
    const db = t.app.get(DataSource);
    const rows = (await db.query(`INSERT INTO access_packages (user_id, format, updated_at) VALUES ($1, 'portability', now() - interval '2 hours') RETURNING id`, [user.id])) as Array<{ id: string }>;
    const stranded = rows[0]!.id;
    expect(await service.requeueStranded()).toBe(1);
    expect(await service.requeueStranded()).toBe(0);
    expect(await waitFor(service, stranded, (s) => s.state === 'ready' || s.state === 'failed')).toMatchObject({ state: 'ready', attempts: 1 });
  });

  it('lists earlier packages in a package, and erases every package of the user with their zips and links', async () => {
    const source = t.app.get(PersonalDataRegistry).get('privacy.access_packages')!;
    const listed: Array<Record<string, unknown>> = [];
    for await (const r of source.export({ userId: user.id })) listed.push(r.data);
    expect(listed[0]).toMatchObject({ packageId, state: 'purged', format: 'access' });
    const { packageId: fresh } = await service.build({ userId: user.id, requestId: null, format: 'access' });
    const ready = await waitFor(service, fresh, (s) => s.state === 'ready' || s.state === 'failed');
    const { url } = await service.issueDownloadLink(fresh);
    const outcome = await source.erase({ userId: user.id });
    expect(outcome).toEqual({ deleted: listed.length + 1, anonymised: 0, retained: [] });
    expect(await t.app.get(StorageService).exists(ready.storageKey!)).toBe(false);
    expect((await request(t.server).get(new URL(url).pathname)).status).toBe(404);
    expect(await source.erase({ userId: user.id })).toEqual({ deleted: 0, anonymised: 0, retained: [] });
  });

  it('fails a package at once, telling the failure listeners, when an exporter yields a record outside the schema', async () => {
    const failed: AccessPackageEvent[] = [];
    service.onFailed(async (event) => {
      failed.push(event);
    });
    t.app.get(PersonalDataRegistry).register({
      category: 'zz.broken',
      description: 'A source with a bad record',
      purposes: ['testing'],
      sources: ['system'],
      async *export() {
        yield { data: { ok: true }, media: [{ path: 'a.png', storageKey: 'nowhere', contentType: '' }] };
      },
      async erase() {
        return { deleted: 0, anonymised: 0, retained: [] };
      },
    });
    const { packageId: broken } = await service.build({ userId: user.id, requestId: null, format: 'access' });
    const status = await waitFor(service, broken, (s) => s.state === 'failed' || s.state === 'ready');
    expect(status).toMatchObject({ state: 'failed', attempts: 1, errorCode: 'ACCESS_PACKAGE_INVALID' });
    expect(failed.map((e) => [e.packageId, e.state, e.errorCode])).toEqual([[broken, 'failed', 'ACCESS_PACKAGE_INVALID']]);
    await expect(service.issueDownloadLink(broken)).rejects.toMatchObject({ code: 'ACCESS_PACKAGE_NOT_READY' });
  });
});

function randomUUIDv4(): string {
  return '3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b';
}

describe('privacy packages: a build interrupted by a stopping worker resumes on another instance', () => {
  it('leaves nothing visible, then another instance on the same database builds the whole package', async () => {
    const db = await createTestDatabase();
    const storageDir = mkdtempSync(path.join(tmpdir(), 'soar2-shared-storage-'));
    const env = { STORAGE_DIR: storageDir };
    const first = await startTestApp({ db, env });
    let second: TestApp | undefined;
    try {
      const user = await userWithToken(first.app, 'grace@example.com');
      const video = randomBytes(200_000);
      await first.app.get(StorageService).put(`${TEST_MEDIA_PREFIX}/${user.id}/clip.mp4`, video, { contentType: 'video/mp4' });
      // On the first instance the videos exporter hangs after its first record, as a slow source would.
      let reachedBlock: () => void = () => undefined;
      const blocked = new Promise<void>((resolve) => (reachedBlock = resolve));
      const real = storedFilesSource(first.app);
      first.app.get(PersonalDataRegistry).register({
        ...real,
        async *export(subject) {
          yield* real.export(subject);
          reachedBlock();
          await new Promise(() => undefined);
        },
      });
      const service = first.app.get(AccessPackageService);
      const { packageId } = await service.build({ userId: user.id, requestId: null, format: 'portability' });
      await blocked;
      expect((await service.status(packageId)).state).toBe('building');

      await first.close();
      second = await startTestApp({ db, env });
      const stopped = await second.app.get(AccessPackageService).status(packageId);
      expect(stopped).toMatchObject({ state: 'queued', attempts: 1, errorCode: 'ACCESS_PACKAGE_BUILD_INTERRUPTED' });
      const visible: string[] = [];
      for await (const o of second.app.get(StorageService).list(`privacy-packages/${packageId}/`)) visible.push(o.key);
      expect(visible).toEqual([]);

      second.app.get(PersonalDataRegistry).register(storedFilesSource(second.app));
      const done = await waitFor(second.app.get(AccessPackageService), packageId, (s) => s.state === 'ready' || s.state === 'failed', 60_000);
      expect(done).toMatchObject({ state: 'ready', attempts: 2, storageKey: `privacy-packages/${packageId}/attempt-2.zip` });
      const stored: string[] = [];
      for await (const o of second.app.get(StorageService).list(`privacy-packages/${packageId}/`)) stored.push(o.key);
      expect(stored).toEqual([done.storageKey]);

      const read = await second.app.get(StorageService).get(done.storageKey!);
      const chunks: Buffer[] = [];
      for await (const c of read.stream) chunks.push(c as Buffer);
      const entries = await readZip(Buffer.concat(chunks));
      const manifest = JSON.parse(entries.get('manifest.json')!.bytes.toString('utf8')) as PackageManifest;
      for (const f of manifest.files) expect(sha256(entries.get(f.path)!.bytes)).toBe(f.sha256);
      expect(sha256(entries.get('media/videos/clip.mp4')!.bytes)).toBe(sha256(video));
      const data = JSON.parse(entries.get('data.json')!.bytes.toString('utf8')) as { format: string; categories: Array<{ category: string }> };
      expect(exportValidators().dataJson(data)).toBe(true);
      expect(data.format).toBe('portability');
      // Every category the application registers (each module's source), plus the test's stored files.
      expect(data.categories.map((c) => c.category)).toEqual(second.app.get(PersonalDataRegistry).list().map((c) => c.category));
    } finally {
      await second?.close();
      await db.drop();
      rmSync(storageDir, { recursive: true, force: true });
    }
  }, 120_000);
});

import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgresServer } from '../src/database/embedded-postgres';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the embedded server in a child process that we can kill with SIGKILL like a crashed `npm start`. */
function startHolder(dataDir: string, port: number): Promise<{ nodePid: number; postgresPid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'embedded-pg-holder.ts'), dataDir, String(port)], {
      cwd: path.resolve(__dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve({ nodePid: child.pid ?? 0, postgresPid: Number(m[1]) });
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => reject(new Error(`holder exited with ${code}: ${err}`)));
  });
}

async function selectOne(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one ?? 0;
  } finally {
    await c.end();
  }
}

describe('embedded PostgreSQL', () => {
  let parent: string;
  beforeEach(() => {
    parent = mkdtempSync(path.join(tmpdir(), 'soar2-embedded-'));
    chmodSync(parent, 0o755); // reachable by the postgres user when the tests run as root
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it('recovers after the previous run was killed with SIGKILL: stops the stale postmaster, says so, and starts', async () => {
    const dataDir = path.join(parent, 'pg');
    const port = await freePort();
    const first = await startHolder(dataDir, port);
    process.kill(first.nodePid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    expect(isAlive(first.postgresPid)).toBe(true); // the orphaned server still holds the data directory

    const lines: string[] = [];
    const server = await EmbeddedPostgresServer.start({ dataDir, port, log: (m) => lines.push(m) });
    try {
      expect(lines.some((l) => l.includes('left running by an earlier run'))).toBe(true);
      expect(isAlive(first.postgresPid)).toBe(false);
      expect(await selectOne(server.url)).toBe(1);
    } finally {
      await server.stop();
    }
    expect(server.pid && isAlive(server.pid)).toBe(false);
  });

  it('removes a stale postmaster.pid whose process is gone, then starts', async () => {
    const dataDir = path.join(parent, 'pg');
    const port = await freePort();
    const server = await EmbeddedPostgresServer.start({ dataDir, port });
    await server.stop();
    writeFileSync(path.join(dataDir, 'postmaster.pid'), `999999\n${dataDir}\n`);
    const lines: string[] = [];
    const again = await EmbeddedPostgresServer.start({ dataDir, port, log: (m) => lines.push(m) });
    try {
      expect(lines.some((l) => l.includes('stale postmaster.pid'))).toBe(true);
      expect(await selectOne(again.url)).toBe(1);
    } finally {
      await again.stop();
    }
  });

  it('keeps data across a clean stop and start, with password authentication', async () => {
    const dataDir = path.join(parent, 'pg');
    const port = await freePort();
    const s1 = await EmbeddedPostgresServer.start({ dataDir, port });
    const c = new Client({ connectionString: s1.url });
    await c.connect();
    await c.query('CREATE TABLE kept (v text)');
    await c.query("INSERT INTO kept VALUES ('still here')");
    await c.end();
    await s1.stop();
    const s2 = await EmbeddedPostgresServer.start({ dataDir, port });
    try {
      const c2 = new Client({ connectionString: s2.url });
      await c2.connect();
      expect((await c2.query('SELECT v FROM kept')).rows).toEqual([{ v: 'still here' }]);
      await c2.end();
      const wrong = new URL(s2.url);
      wrong.password = 'wrong';
      await expect(selectOne(wrong.toString())).rejects.toThrow(/password authentication failed/);
    } finally {
      await s2.stop();
    }
  });
});

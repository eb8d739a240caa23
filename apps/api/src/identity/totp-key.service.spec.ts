import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../config/app-config';
import { SecretBoxError } from './secret-box';
import { TotpKeyService } from './totp-key.service';

describe('TotpKeyService', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'soar2-totp-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function started(env: Record<string, string>): Promise<TotpKeyService> {
    const service = new TotpKeyService(loadConfig({ DATA_DIR: dir, ...env }));
    await service.onModuleInit();
    return service;
  }

  const secret = Buffer.from('12345678901234567890', 'ascii');

  it('uses TOTP_ENCRYPTION_KEY when it is set, and writes no file', async () => {
    const a = await started({ TOTP_ENCRYPTION_KEY: 'k'.repeat(40) });
    const b = await started({ TOTP_ENCRYPTION_KEY: 'k'.repeat(40) });
    expect(b.open('staff-1', a.seal('staff-1', secret)).equals(secret)).toBe(true);
    expect(() => statSync(path.join(dir, 'secrets'))).toThrow();
  });

  it('generates a key once in DATA_DIR (owner-only) that opens what an earlier start sealed', async () => {
    const first = await started({});
    const file = path.join(dir, 'secrets', 'totp-encryption-key');
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(readFileSync(file, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    const sealed = first.seal('staff-1', secret);
    expect((await started({})).open('staff-1', sealed).equals(secret)).toBe(true);
  });

  it('does not open a secret sealed for another staff member, or with another key', async () => {
    const service = await started({ TOTP_ENCRYPTION_KEY: 'k'.repeat(40) });
    const sealed = service.seal('staff-1', secret);
    expect(() => service.open('staff-2', sealed)).toThrow(SecretBoxError);
    await expect(started({ TOTP_ENCRYPTION_KEY: 'j'.repeat(40) }).then((other) => other.open('staff-1', sealed))).rejects.toThrow(SecretBoxError);
  });

  it('refuses to start in production without the key', async () => {
    const service = new TotpKeyService({ ...loadConfig({ DATA_DIR: dir }), production: true });
    await expect(service.onModuleInit()).rejects.toThrow('TOTP_ENCRYPTION_KEY must be set in production mode.');
  });
});

import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../config/app-config';
import { VerificationKeyService } from './verification-key.service';

describe('VerificationKeyService', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'soar2-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function started(env: Record<string, string>): Promise<VerificationKeyService> {
    const service = new VerificationKeyService(loadConfig({ DATA_DIR: dir, ...env }));
    await service.onModuleInit();
    return service;
  }

  it('uses VERIFICATION_CODE_SECRET when it is set, and writes no file', async () => {
    const service = await started({ VERIFICATION_CODE_SECRET: 's'.repeat(40) });
    expect(service.key.toString('utf8')).toBe('s'.repeat(40));
    expect(() => statSync(path.join(dir, 'secrets'))).toThrow();
  });

  it('generates a secret once in DATA_DIR (readable by the owner only) and reuses it on the next start', async () => {
    const first = await started({});
    const file = path.join(dir, 'secrets', 'verification-code-secret');
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.key.toString('utf8'));
    expect(first.key.length).toBeGreaterThanOrEqual(32);
    const second = await started({});
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('gives two processes starting together on one DATA_DIR the same secret', async () => {
    const [a, b] = await Promise.all([started({}), started({})]);
    expect(a.key.equals(b.key)).toBe(true);
  });

  it('refuses a secret file that is too short, saying how to recover', async () => {
    const file = path.join(dir, 'secrets', 'verification-code-secret');
    await started({});
    writeFileSync(file, 'short\n');
    await expect(started({})).rejects.toThrow(/shorter than 32 characters; delete the file/);
  });

  it('derives distinct keyed hashes for distinct values', async () => {
    const service = await started({});
    expect(service.hmac('rate-limit', 'a', 'x').equals(service.hmac('rate-limit', 'a', 'y'))).toBe(false);
    expect(service.hmac('rate-limit', 'a', 'x').equals(service.hmac('rate-limit', 'a', 'x'))).toBe(true);
  });
});

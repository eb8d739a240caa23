import { ConfigValidationError, loadConfig } from './app-config';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigValidationError) return err.problems;
    throw err;
  }
}

const PROD_SECRET = 'a-production-secret-of-at-least-32-chars';
const PROD_TOTP_KEY = 'a-production-totp-key-of-at-least-32-chars';
/** Production secrets other than the two these tests take away one at a time. */
const PROD_OTHER_SECRETS = { DATA_KEY_MASTER_KEYS: 'k1:a-production-master-key-of-32-chars-at-least', CERTIFICATE_SIGNING_KEY_FILE: '/run/secrets/cert.pem', EMAIL_LOOKUP_KEY: 'a-production-email-lookup-key-of-32-chars' };

describe('loadConfig', () => {
  it('starts with defaults on an empty environment: embedded database, file mail, simulator, all roles', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.database.url).toBeUndefined();
    expect(c.database.embeddedDir).toMatch(/data[/\\]pg$/);
    expect(c.mail.smtpUrl).toBeUndefined();
    expect(c.provider.openaiApiKey).toBeUndefined();
    expect([...c.roles].sort()).toEqual(['api', 'scheduler', 'worker']);
    expect(c.seedDemo).toBe(true);
    expect(c.bodyLimitBytes).toBe(1024 * 1024);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT must be a whole number from 0 to 65535 \(got "abc"\)\.$/],
    [{ PORT: '70000' }, /^PORT must be a whole number/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /^DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\//],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL must be a valid URL\.$/],
    [{ SMTP_URL: 'http://mail' }, /^SMTP_URL must be a URL starting with smtp:\/\/ or smtps:\/\//],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV must be one of development, production, test/],
    [{ PROCESS_ROLES: 'api,cron' }, /^PROCESS_ROLES may list only api, worker and scheduler \(got "cron"\)\.$/],
    [{ BODY_LIMIT: 'huge' }, /^BODY_LIMIT must be a size such as 512kb or 1mb/],
    [{ STRIPE_SECRET_KEY: 'pk_test_abc' }, /^STRIPE_SECRET_KEY must be a Stripe secret key/],
    [{ STRIPE_WEBHOOK_SECRET: 'secret' }, /^STRIPE_WEBHOOK_SECRET must be a webhook signing secret/],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'a@b.co' }, /^BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together\.$/],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'a@b.co', BOOTSTRAP_ADMIN_PASSWORD: 'short' }, /^BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters/],
    [{ MIGRATE_ON_START: 'maybe' }, /^MIGRATE_ON_START must be true or false/],
  ])('names the variable and the reason for %j', (env, expected) => {
    const found = problems(env);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });

  it('reports every bad variable at once', () => {
    expect(problems({ PORT: 'x', NODE_ENV: 'y', LOG_LEVEL: 'loud' })).toHaveLength(3);
  });

  it('never seeds demo accounts in production and refuses to be told to', () => {
    expect(loadConfig({ NODE_ENV: 'production', ...PROD_OTHER_SECRETS, VERIFICATION_CODE_SECRET: PROD_SECRET, TOTP_ENCRYPTION_KEY: PROD_TOTP_KEY }).seedDemo).toBe(false);
    expect(problems({ NODE_ENV: 'production', ...PROD_OTHER_SECRETS, SEED_DEMO: 'true', VERIFICATION_CODE_SECRET: PROD_SECRET, TOTP_ENCRYPTION_KEY: PROD_TOTP_KEY })[0]).toMatch(/^SEED_DEMO cannot be true in production mode/);
  });

  it('requires the verification-code secret in production, and generates one under DATA_DIR elsewhere', () => {
    expect(problems({ NODE_ENV: 'production', ...PROD_OTHER_SECRETS, TOTP_ENCRYPTION_KEY: PROD_TOTP_KEY })).toEqual([expect.stringMatching(/^VERIFICATION_CODE_SECRET must be set in production mode/)]);
    expect(problems({ VERIFICATION_CODE_SECRET: 'too-short' })).toEqual([expect.stringMatching(/^VERIFICATION_CODE_SECRET must be at least 32 characters/)]);
    expect(loadConfig({ NODE_ENV: 'production', ...PROD_OTHER_SECRETS, VERIFICATION_CODE_SECRET: PROD_SECRET, TOTP_ENCRYPTION_KEY: PROD_TOTP_KEY }).verificationCodes.secret).toBe(PROD_SECRET);
    const dev = loadConfig({ DATA_DIR: '/var/lib/soar2' });
    expect(dev.verificationCodes).toEqual({ secret: undefined, secretFile: '/var/lib/soar2/secrets/verification-code-secret' });
  });

  it('requires the TOTP encryption key in production, and generates one under DATA_DIR elsewhere', () => {
    expect(problems({ NODE_ENV: 'production', ...PROD_OTHER_SECRETS, VERIFICATION_CODE_SECRET: PROD_SECRET })).toEqual([expect.stringMatching(/^TOTP_ENCRYPTION_KEY must be set in production mode/)]);
    expect(problems({ TOTP_ENCRYPTION_KEY: 'too-short' })).toEqual([expect.stringMatching(/^TOTP_ENCRYPTION_KEY must be at least 32 characters/)]);
    expect(loadConfig({ NODE_ENV: 'production', ...PROD_OTHER_SECRETS, VERIFICATION_CODE_SECRET: PROD_SECRET, TOTP_ENCRYPTION_KEY: PROD_TOTP_KEY }).totpEncryption.key).toBe(PROD_TOTP_KEY);
    expect(loadConfig({ DATA_DIR: '/var/lib/soar2' }).totpEncryption).toEqual({ key: undefined, keyFile: '/var/lib/soar2/secrets/totp-encryption-key' });
  });

  it('reads TRUST_PROXY as off, a hop count or proxy addresses, and refuses "true"', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8, 192.0.2.7' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
    expect(problems({ TRUST_PROXY: 'true' })[0]).toMatch(/^TRUST_PROXY cannot be true/);
    expect(problems({ TRUST_PROXY: '10.0.0.0/33,proxy.internal' })[0]).toMatch(/cannot read "10\.0\.0\.0\/33, proxy\.internal"/);
    expect(problems({ TRUST_PROXY: '11' })[0]).toMatch(/from 0 to 10/);
  });

  it('parses roles, sizes and the bootstrap admin', () => {
    const c = loadConfig({ PROCESS_ROLES: 'worker', BODY_LIMIT: '512kb', BOOTSTRAP_ADMIN_EMAIL: 'Root@Example.COM', BOOTSTRAP_ADMIN_PASSWORD: 'a-long-password' });
    expect([...c.roles]).toEqual(['worker']);
    expect(c.bodyLimitBytes).toBe(512 * 1024);
    expect(c.bootstrapAdmin).toEqual({ email: 'root@example.com', password: 'a-long-password' });
  });
});

describe('crypto-shredding and certificate configuration', () => {
  it('requires the data-key master keys and the certificate key in production', () => {
    const found = problems({ NODE_ENV: 'production', VERIFICATION_CODE_SECRET: PROD_SECRET, TOTP_ENCRYPTION_KEY: PROD_TOTP_KEY, EMAIL_LOOKUP_KEY: PROD_OTHER_SECRETS.EMAIL_LOOKUP_KEY });
    expect(found).toEqual([expect.stringMatching(/^DATA_KEY_MASTER_KEYS must be set/), expect.stringMatching(/^CERTIFICATE_SIGNING_KEY or CERTIFICATE_SIGNING_KEY_FILE must be set/)]);
  });

  it('requires the email lookup key in production, refuses a short one, and generates one under DATA_DIR elsewhere', () => {
    const { EMAIL_LOOKUP_KEY: _key, ...withoutLookupKey } = PROD_OTHER_SECRETS;
    expect(problems({ NODE_ENV: 'production', ...withoutLookupKey, VERIFICATION_CODE_SECRET: PROD_SECRET, TOTP_ENCRYPTION_KEY: PROD_TOTP_KEY })).toEqual([expect.stringMatching(/^EMAIL_LOOKUP_KEY must be set in production mode/)]);
    expect(problems({ EMAIL_LOOKUP_KEY: 'short' })).toEqual([expect.stringMatching(/^EMAIL_LOOKUP_KEY must be at least 32 characters/)]);
    expect(loadConfig({ DATA_DIR: '/var/lib/soar2' }).emailLookup).toEqual({ key: undefined, keyFile: '/var/lib/soar2/secrets/email-lookup-key' });
  });

  it.each(['k1', 'k1:short', 'bad id:0123456789012345678901234567890123', 'k1:0123456789012345678901234567890123,'])('refuses DATA_KEY_MASTER_KEYS=%j', (value) => {
    expect(problems({ DATA_KEY_MASTER_KEYS: value })).toEqual([expect.stringMatching(/^DATA_KEY_MASTER_KEYS must be comma-separated id:secret pairs/)]);
  });

  it('accepts a keyring of several keys and refuses a certificate key that is not PEM', () => {
    expect(problems({ DATA_KEY_MASTER_KEYS: 'k2:0123456789012345678901234567890123, k1:abcdefghijabcdefghijabcdefghijabcd' })).toEqual([]);
    expect(problems({ CERTIFICATE_SIGNING_KEY: 'not a key' })).toEqual([expect.stringMatching(/PKCS#8 PEM/)]);
  });
});

describe('privacy-request settings', () => {
  const base = { DATABASE_URL: 'postgres://u@localhost/db' };

  it('has defaults: 7-day expiry, 24 h reminder, no holidays, a 15-minute sweep and a daily watchdog', () => {
    expect(loadConfig(base).privacy).toEqual({ unverifiedExpiryDays: 7, reminderHours: 24, holidays: [], sweepCron: '*/15 * * * *', watchdogCron: '0 7 * * *' });
  });

  it('reads holidays and refuses bad dates and bad cron expressions', () => {
    expect(loadConfig({ ...base, PRIVACY_HOLIDAYS: '2026-12-25, 2027-01-01' }).privacy.holidays).toEqual(['2026-12-25', '2027-01-01']);
    expect(() => loadConfig({ ...base, PRIVACY_HOLIDAYS: '2026-02-30' })).toThrow(/PRIVACY_HOLIDAYS/);
    expect(() => loadConfig({ ...base, PRIVACY_WATCHDOG_CRON: 'every day' })).toThrow(/PRIVACY_WATCHDOG_CRON/);
    expect(() => loadConfig({ ...base, PRIVACY_UNVERIFIED_EXPIRY_DAYS: '0' })).toThrow(/PRIVACY_UNVERIFIED_EXPIRY_DAYS/);
  });
});

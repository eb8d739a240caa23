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
    expect(loadConfig({ NODE_ENV: 'production' }).seedDemo).toBe(false);
    expect(problems({ NODE_ENV: 'production', SEED_DEMO: 'true' })[0]).toMatch(/^SEED_DEMO cannot be true in production mode/);
  });

  it('parses roles, sizes and the bootstrap admin', () => {
    const c = loadConfig({ PROCESS_ROLES: 'worker', BODY_LIMIT: '512kb', BOOTSTRAP_ADMIN_EMAIL: 'Root@Example.COM', BOOTSTRAP_ADMIN_PASSWORD: 'a-long-password' });
    expect([...c.roles]).toEqual(['worker']);
    expect(c.bodyLimitBytes).toBe(512 * 1024);
    expect(c.bootstrapAdmin).toEqual({ email: 'root@example.com', password: 'a-long-password' });
  });
});

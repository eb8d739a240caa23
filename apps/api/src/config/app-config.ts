// Reads and validates every environment variable once, at start. A bad value stops the process
// with a sentence naming the variable; nothing else in the code reads process.env.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import * as path from 'node:path';
import { isCalendarDay } from '@soar2/privacy';
import { parseCron } from '../jobs/scheduled-tick';

export type NodeEnv = 'development' | 'production' | 'test';
export type ProcessRole = 'api' | 'worker' | 'scheduler';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** Object storage drivers; S3 joins later. */
export type StorageDriverName = 'fs';

export interface AppConfig {
  nodeEnv: NodeEnv;
  /** True in production mode: no demo seed, no default credentials. */
  production: boolean;
  host: string;
  port: number;
  publicUrl: string;
  roles: ReadonlySet<ProcessRole>;
  logLevel: LogLevel;
  bodyLimitBytes: number;
  corsOrigins: string[];
  database: {
    /** Set when an external server is used; absent means "start the embedded PostgreSQL". */
    url: string | undefined;
    embeddedDir: string;
    embeddedPort: number;
    migrateOnStart: boolean;
    poolSize: number;
  };
  dataDir: string;
  storage: { driver: StorageDriverName; dir: string };
  mail: { smtpUrl: string | undefined; fileDir: string; from: string };
  /** Email outbox delivery (notifications worker). */
  outbox: { pollMs: number; batchSize: number; maxAttempts: number; retryBaseMs: number; retryMaxMs: number; sendingTimeoutMs: number };
  provider: { openaiApiKey: string | undefined; openaiBaseUrl: string | undefined };
  /** Video generation: provider timeouts, polling, retries, the local simulator and prompt screening. */
  generation: GenerationConfig;
  stripe: {
    secretKey: string | undefined;
    webhookSecret: string | undefined;
    /** STRIPE_API_BASE: where the SDK sends requests (tests point it at a loopback peer); Stripe's own API when absent. */
    apiBase: { protocol: 'http' | 'https'; host: string; port: number } | undefined;
    /** Where Checkout and the Customer Portal send the user back. */
    successUrl: string;
    cancelUrl: string;
    portalReturnUrl: string;
  };
  /** The credit ledger: the sweeper releases holds open longer than this. */
  credits: { holdMaxAgeMinutes: number };
  bootstrapAdmin: { email: string; password: string } | undefined;
  seedDemo: boolean;
  adminDistDir: string;
  staffSessionTtlHours: number;
  userSessionTtlDays: number;
  /** pg-boss keeps its tables in this PostgreSQL schema of the application database. */
  jobs: { schema: string };
  /**
   * Express's `trust proxy`: false (use the socket address), a number of proxy hops, or the proxies'
   * addresses. Decides the client IP used by per-IP rate limits and the access log.
   */
  trustProxy: false | number | string[];
  /** Emailed one-time codes (sign-in, email change). */
  verificationCodes: {
    /** VERIFICATION_CODE_SECRET; when absent (never in production) a secret is generated in `secretFile`. */
    secret: string | undefined;
    secretFile: string;
  };
  /** Privacy requests: verification expiry and reminder, business-day holidays, sweep and watchdog schedules. */
  privacy: { unverifiedExpiryDays: number; reminderHours: number; holidays: string[]; sweepCron: string; watchdogCron: string };
  /** AES-256-GCM encryption of staff TOTP secrets at rest. */
  totpEncryption: {
    /** TOTP_ENCRYPTION_KEY; when absent (never in production) a key is generated in `keyFile`. */
    key: string | undefined;
    keyFile: string;
  };
  /** Keyed hash of end users' email addresses for lookups (decision 020). */
  emailLookup: {
    /** EMAIL_LOOKUP_KEY; when absent (never in production) a key is generated in `keyFile`. */
    key: string | undefined;
    keyFile: string;
  };
  /** Consent ledger, unsubscribe links and Global Privacy Control (apps/api/src/consent). */
  consent: {
    /** Opt-in purposes people grant or withdraw (CONSENT_PURPOSES); `sale_sharing` (opt-out) is always there too. */
    purposes: string[];
    /**
     * UNSUBSCRIBE_SECRET signing one-click unsubscribe links; when absent, derived from
     * VERIFICATION_CODE_SECRET when that is set (always in production), else generated in `unsubscribeSecretFile`.
     */
    unsubscribeSecret: string | undefined;
    unsubscribeSecretFile: string;
    /** The mailto: address of List-Unsubscribe. */
    unsubscribeMailto: string;
    /** `lastUpdate` of /.well-known/gpc.json (YYYY-MM-DD). */
    gpcLastUpdate: string;
  };
  /** Policy versions, notices and their email campaigns (apps/api/src/policy). */
  policy: { noticeDays: number; campaignBatchSize: number; campaignIntervalSeconds: number };
  /** Crypto-shredding: per-user data keys wrapped by these master keys (DATA_KEY_MASTER_KEYS). */
  dataKeys: {
    /** `id:secret,…` newest first; when absent (never in production) one key is generated in `keyFile`. */
    masterKeys: string | undefined;
    keyFile: string;
    /** How long an unwrapped data key stays in a replica's memory; bounds how late another replica sees a destroyed key. */
    cacheSeconds: number;
  };
  /** Ed25519 key (PKCS#8 PEM) signing deletion certificates (CERTIFICATE_SIGNING_KEY[_FILE]). */
  certificates: { signingKey: string | undefined; keyFile: string };
  /** Retention sweeps: rows per transaction, and whether the daily clocks run. */
  retention: { batchSize: number; schedule: boolean; deletionGraceDays: number };
  /** Support desk: business hours of the SLA clocks, auto-close after solved, round-robin assignment. */
  support: { businessHours: string; autoCloseDays: number; roundRobin: boolean };
  /** Access/portability packages of privacy requests. */
  accessPackages: {
    /** How long a download link works, in days (ACCESS_PACKAGE_LINK_TTL_DAYS). */
    linkTtlDays: number;
    /** A build job not finished in this many minutes is taken as crashed and retried (ACCESS_PACKAGE_BUILD_TIMEOUT_MINUTES). */
    buildTimeoutMinutes: number;
  };
  /** Audit-log archive (docs/audit-log.md): entries older than hotDays move into segment files of at most segmentMaxEntries. */
  auditArchive: { hotDays: number; segmentMaxEntries: number };
}

export interface GenerationConfig {
  /** OPENAI_WEBHOOK_SECRET: verifies POST /webhooks/video-provider; webhooks are refused without it. */
  webhookSecret: string | undefined;
  requestTimeoutMs: number;
  downloadIdleTimeoutMs: number;
  pollBaseMs: number;
  pollMaxMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  deadlineMinutes: number;
  leaseMs: number;
  /** Waits up to this long happen inside the running step; longer ones re-enqueue the job. */
  inlineWaitMs: number;
  workerConcurrency: number;
  sweepCron: string;
  /** GENERATION_EXPIRY_NOTICE_DAYS: the "your videos expire soon" email goes this many days before plan-based expiry. */
  expiryNoticeDays: number;
  /** GENERATION_EXPIRY_NOTICE_CRON: when that email is looked for (6-field cron, seconds first). */
  expiryNoticeCron: string;
  /** GENERATION_BLOCKED_TERMS (`category:term|term;…`); undefined means the built-in list. */
  blockedTerms: string | undefined;
  simulator: { port: number; latencyMs: number; failurePercent: number; moderationPercent: number; expiresInSeconds: number };
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

type Env = Record<string, string | undefined>;

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SIZE_RE = /^(\d+)\s*(b|kb|mb)?$/i;

/** Repository root: the nearest directory above this file holding nest-cli.json (source and dist alike). */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'nest-cli.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^-?\d+$/.test(v) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${v}").`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name)?.toLowerCase();
    if (v === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    this.problems.push(`${name} must be true or false (got "${v}").`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${v}").`);
    return fallback;
  }

  url(name: string, protocols: string[]): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) {
        this.problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}.`);
        return undefined;
      }
      return v;
    } catch {
      this.problems.push(`${name} must be a valid URL.`);
      return undefined;
    }
  }

  size(name: string, fallback: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const m = SIZE_RE.exec(v);
    if (!m) {
      this.problems.push(`${name} must be a size such as 512kb or 1mb (got "${v}").`);
      return fallback;
    }
    const unit = (m[2] ?? 'b').toLowerCase();
    const factor = unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1;
    return Number(m[1]) * factor;
  }
}

/** Validates an environment (process.env by default) into a typed configuration, or throws ConfigValidationError. */
export function loadConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  const nodeEnv = r.oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const production = nodeEnv === 'production';
  const root = repoRoot();
  const dataDir = path.resolve(root, r.string('DATA_DIR', 'data'));
  const port = r.int('PORT', 3000, 0, 65535);
  const host = r.string('HOST', '0.0.0.0');
  const publicUrl = r.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;

  const roles = new Set<ProcessRole>();
  for (const role of r.string('PROCESS_ROLES', 'api,worker,scheduler').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (role === 'api' || role === 'worker' || role === 'scheduler') roles.add(role);
    else r.problems.push(`PROCESS_ROLES may list only api, worker and scheduler (got "${role}").`);
  }
  if (roles.size === 0) r.problems.push('PROCESS_ROLES must name at least one of api, worker, scheduler.');

  const databaseUrl = r.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const smtpUrl = r.url('SMTP_URL', ['smtp:', 'smtps:']);
  const openaiBaseUrl = r.url('OPENAI_BASE_URL', ['http:', 'https:']);

  const stripeSecretKey = r.raw('STRIPE_SECRET_KEY');
  if (stripeSecretKey !== undefined && !/^(sk|rk)_(test|live)_\w+$/.test(stripeSecretKey)) {
    r.problems.push('STRIPE_SECRET_KEY must be a Stripe secret key (sk_test_…, sk_live_… or a restricted rk_ key).');
  }
  const stripeWebhookSecret = r.raw('STRIPE_WEBHOOK_SECRET');
  if (stripeWebhookSecret !== undefined && !stripeWebhookSecret.startsWith('whsec_')) {
    r.problems.push('STRIPE_WEBHOOK_SECRET must be a webhook signing secret starting with whsec_.');
  }

  const adminEmail = r.raw('BOOTSTRAP_ADMIN_EMAIL');
  const adminPassword = r.raw('BOOTSTRAP_ADMIN_PASSWORD');
  let bootstrapAdmin: AppConfig['bootstrapAdmin'];
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    r.problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together.');
  } else if (adminEmail !== undefined && adminPassword !== undefined) {
    if (!EMAIL_RE.test(adminEmail)) r.problems.push('BOOTSTRAP_ADMIN_EMAIL must be an email address.');
    if (adminPassword.length < 12) r.problems.push('BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters long.');
    bootstrapAdmin = { email: adminEmail.toLowerCase(), password: adminPassword };
  }

  const jobsSchema = r.string('JOBS_SCHEMA', 'pgboss');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(jobsSchema) || jobsSchema === 'public' || jobsSchema.startsWith('pg_')) {
    r.problems.push(`JOBS_SCHEMA must be a PostgreSQL schema name: lower-case letters, digits and underscores, not starting with a digit, other than public and pg_* (got "${jobsSchema}").`);
  }

  const seedDemo = r.bool('SEED_DEMO', !production);
  if (production && seedDemo) r.problems.push('SEED_DEMO cannot be true in production mode (NODE_ENV=production): demo accounts have printed passwords.');

  const codeSecret = r.raw('VERIFICATION_CODE_SECRET');
  if (codeSecret !== undefined && codeSecret.length < 32) {
    r.problems.push('VERIFICATION_CODE_SECRET must be at least 32 characters long (for example the output of `openssl rand -base64 32`).');
  } else if (codeSecret === undefined && production) {
    r.problems.push('VERIFICATION_CODE_SECRET must be set in production mode: it keys the hashes of emailed sign-in codes, and every API replica needs the same value.');
  }

  const totpKey = r.raw('TOTP_ENCRYPTION_KEY');
  if (totpKey !== undefined && totpKey.length < 32) {
    r.problems.push('TOTP_ENCRYPTION_KEY must be at least 32 characters long (for example the output of `openssl rand -base64 32`).');
  } else if (totpKey === undefined && production) {
    r.problems.push('TOTP_ENCRYPTION_KEY must be set in production mode: it encrypts the staff two-step sign-in secrets, and every API replica needs the same value.');
  }

  const emailLookupKey = r.raw('EMAIL_LOOKUP_KEY');
  if (emailLookupKey !== undefined && emailLookupKey.length < 32) {
    r.problems.push('EMAIL_LOOKUP_KEY must be at least 32 characters long (for example the output of `openssl rand -base64 32`).');
  } else if (emailLookupKey === undefined && production) {
    r.problems.push('EMAIL_LOOKUP_KEY must be set in production mode: it keys the hashes by which accounts are found by email, and every API replica needs the same value.');
  }

  const consent = readConsent(r, mailFromDomain(r.string('MAIL_FROM', 'Soar2 AI <no-reply@soar2.local>')));
  const masterKeys = r.raw('DATA_KEY_MASTER_KEYS');
  if (masterKeys === undefined && production) {
    r.problems.push('DATA_KEY_MASTER_KEYS must be set in production mode: it wraps every user\'s data key (crypto-shredding); the same on every replica.');
  } else if (masterKeys !== undefined && !/^\s*[A-Za-z0-9_-]{1,32}:[^\s,]{32,}(\s*,\s*[A-Za-z0-9_-]{1,32}:[^\s,]{32,})*\s*$/.test(masterKeys)) {
    r.problems.push('DATA_KEY_MASTER_KEYS must be comma-separated id:secret pairs, newest first, each secret at least 32 characters (e.g. k1:$(openssl rand -base64 36)).');
  }
  const certificateKeyPath = r.raw('CERTIFICATE_SIGNING_KEY_FILE');
  const certificateKey = r.raw('CERTIFICATE_SIGNING_KEY');
  if (certificateKey !== undefined && !certificateKey.includes('BEGIN PRIVATE KEY')) {
    r.problems.push('CERTIFICATE_SIGNING_KEY must be an Ed25519 private key in PKCS#8 PEM (openssl genpkey -algorithm ed25519).');
  }
  if (production && certificateKey === undefined && certificateKeyPath === undefined) {
    r.problems.push('CERTIFICATE_SIGNING_KEY or CERTIFICATE_SIGNING_KEY_FILE must be set in production mode: it signs deletion certificates.');
  }

  const outbox: AppConfig['outbox'] = {
    pollMs: r.int('OUTBOX_POLL_MS', 1000, 10, 600_000),
    batchSize: r.int('OUTBOX_BATCH_SIZE', 20, 1, 500),
    maxAttempts: r.int('OUTBOX_MAX_ATTEMPTS', 8, 1, 50),
    retryBaseMs: r.int('OUTBOX_RETRY_BASE_MS', 30_000, 1, 3_600_000),
    retryMaxMs: r.int('OUTBOX_RETRY_MAX_MS', 3_600_000, 1, 86_400_000),
    // A row left in `sending` this long is taken as abandoned by a crashed worker; it must outlast a slow SMTP exchange.
    sendingTimeoutMs: r.int('OUTBOX_SENDING_TIMEOUT_MS', 600_000, 60_000, 86_400_000),
  };
  if (outbox.retryMaxMs < outbox.retryBaseMs) r.problems.push('OUTBOX_RETRY_MAX_MS must not be smaller than OUTBOX_RETRY_BASE_MS.');

  const holidays = (r.raw('PRIVACY_HOLIDAYS') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const badHoliday = holidays.find((h) => !isCalendarDay(h));
  if (badHoliday !== undefined) r.problems.push(`PRIVACY_HOLIDAYS must be a comma-separated list of dates like 2026-12-25 (got "${badHoliday}").`);
  const privacy: AppConfig['privacy'] = {
    unverifiedExpiryDays: r.int('PRIVACY_UNVERIFIED_EXPIRY_DAYS', 7, 1, 90),
    reminderHours: r.int('PRIVACY_VERIFY_REMINDER_HOURS', 24, 1, 24 * 30),
    holidays,
    sweepCron: r.string('PRIVACY_SWEEP_CRON', '*/15 * * * *'),
    watchdogCron: r.string('PRIVACY_WATCHDOG_CRON', '0 7 * * *'),
  };
  for (const [name, expression] of [['PRIVACY_SWEEP_CRON', privacy.sweepCron], ['PRIVACY_WATCHDOG_CRON', privacy.watchdogCron]] as const) {
    try {
      parseCron(expression);
    } catch (err) {
      r.problems.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const config: AppConfig = {
    nodeEnv,
    production,
    host,
    port,
    publicUrl: publicUrl.replace(/\/$/, ''),
    roles,
    logLevel: r.oneOf<LogLevel>('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], nodeEnv === 'test' ? 'silent' : 'info'),
    bodyLimitBytes: r.size('BODY_LIMIT', 1024 * 1024),
    corsOrigins: (r.raw('CORS_ORIGINS') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    database: {
      url: databaseUrl,
      embeddedDir: path.resolve(root, r.string('EMBEDDED_PG_DIR', path.join(dataDir, 'pg'))),
      embeddedPort: r.int('EMBEDDED_PG_PORT', 54329, 1024, 65535),
      migrateOnStart: r.bool('MIGRATE_ON_START', true),
      poolSize: r.int('DATABASE_POOL_SIZE', 10, 1, 100),
    },
    dataDir,
    storage: {
      driver: r.oneOf<StorageDriverName>('STORAGE_DRIVER', ['fs'], 'fs'),
      dir: path.resolve(root, r.string('STORAGE_DIR', path.join(dataDir, 'storage'))),
    },
    mail: {
      smtpUrl,
      fileDir: path.resolve(root, r.string('MAIL_DIR', path.join(dataDir, 'mail'))),
      from: r.string('MAIL_FROM', 'Soar2 AI <no-reply@soar2.local>'),
    },
    outbox,
    provider: { openaiApiKey: r.raw('OPENAI_API_KEY'), openaiBaseUrl },
    generation: readGenerationConfig(r),
    stripe: {
      secretKey: stripeSecretKey,
      webhookSecret: stripeWebhookSecret,
      apiBase: readStripeApiBase(r),
      successUrl: r.url('STRIPE_SUCCESS_URL', ['http:', 'https:']) ?? `${publicUrl.replace(/\/$/, '')}/billing/success`,
      cancelUrl: r.url('STRIPE_CANCEL_URL', ['http:', 'https:']) ?? `${publicUrl.replace(/\/$/, '')}/billing/cancel`,
      portalReturnUrl: r.url('STRIPE_PORTAL_RETURN_URL', ['http:', 'https:']) ?? `${publicUrl.replace(/\/$/, '')}/billing`,
    },
    credits: { holdMaxAgeMinutes: r.int('CREDIT_HOLD_MAX_AGE_MINUTES', 180, 1, 7 * 24 * 60) },
    bootstrapAdmin,
    seedDemo,
    adminDistDir: path.resolve(root, r.string('ADMIN_DIST_DIR', path.join('apps', 'admin', 'dist'))),
    staffSessionTtlHours: r.int('STAFF_SESSION_TTL_HOURS', 12, 1, 24 * 30),
    userSessionTtlDays: r.int('USER_SESSION_TTL_DAYS', 30, 1, 365),
    jobs: { schema: jobsSchema },
    trustProxy: readTrustProxy(r),
    verificationCodes: { secret: codeSecret, secretFile: path.join(dataDir, 'secrets', 'verification-code-secret') },
    privacy,
    totpEncryption: { key: totpKey, keyFile: path.join(dataDir, 'secrets', 'totp-encryption-key') },
    emailLookup: { key: emailLookupKey, keyFile: path.join(dataDir, 'secrets', 'email-lookup-key') },
    consent: { ...consent, unsubscribeSecretFile: path.join(dataDir, 'secrets', 'unsubscribe-secret') },
    policy: {
      noticeDays: r.int('POLICY_NOTICE_DAYS', 30, 1, 365),
      campaignBatchSize: r.int('POLICY_CAMPAIGN_BATCH_SIZE', 200, 1, 5000),
      campaignIntervalSeconds: r.int('POLICY_CAMPAIGN_INTERVAL_SECONDS', 60, 0, 86_400),
    },
    dataKeys: {
      masterKeys,
      keyFile: path.join(dataDir, 'secrets', 'data-key-master'),
      cacheSeconds: r.int('DATA_KEY_CACHE_SECONDS', 60, 0, 3600),
    },
    certificates: {
      signingKey: certificateKey?.replace(/\\n/g, '\n'),
      keyFile: certificateKeyPath ? path.resolve(root, certificateKeyPath) : path.join(dataDir, 'secrets', 'certificate-signing-key.pem'),
    },
    retention: {
      batchSize: r.int('RETENTION_BATCH_SIZE', 5000, 10, 100_000),
      schedule: r.bool('RETENTION_SCHEDULE', true),
      deletionGraceDays: r.int('DELETION_GRACE_DAYS', 30, 0, 30),
    },
    support: readSupport(r),
    accessPackages: {
      linkTtlDays: r.int('ACCESS_PACKAGE_LINK_TTL_DAYS', 7, 1, 90),
      buildTimeoutMinutes: r.int('ACCESS_PACKAGE_BUILD_TIMEOUT_MINUTES', 60, 1, 24 * 60),
    },
    auditArchive: {
      hotDays: r.int('AUDIT_HOT_DAYS', 365, 0, 2190),
      segmentMaxEntries: r.int('AUDIT_SEGMENT_MAX_ENTRIES', 100_000, 1, 1_000_000),
    },
  };
  if (r.problems.length > 0) throw new ConfigValidationError(r.problems);
  return config;
}

const PURPOSE_RE = /^[a-z][a-z0-9_]{0,63}$/;

function mailFromDomain(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return m?.[1] ?? 'soar2.local';
}

/** CONSENT_PURPOSES, UNSUBSCRIBE_SECRET, UNSUBSCRIBE_MAILTO, GPC_LAST_UPDATE. */
function readConsent(r: Reader, mailDomain: string): Omit<AppConfig['consent'], 'unsubscribeSecretFile'> {
  const purposes = r.string('CONSENT_PURPOSES', 'marketing_emails,analytics,product_improvement').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = purposes.filter((p) => !PURPOSE_RE.test(p) || p === 'sale_sharing');
  if (bad.length > 0) r.problems.push(`CONSENT_PURPOSES lists purpose names in lower case with underscores, other than sale_sharing (cannot use "${bad.join(', ')}").`);
  if (!purposes.includes('marketing_emails')) r.problems.push('CONSENT_PURPOSES must include marketing_emails: the outbox asks for it before sending marketing.');
  const secret = r.raw('UNSUBSCRIBE_SECRET');
  // Optional even in production: without it the key is derived from VERIFICATION_CODE_SECRET (required there).
  if (secret !== undefined && secret.length < 32) {
    r.problems.push('UNSUBSCRIBE_SECRET must be at least 32 characters long (for example the output of `openssl rand -base64 32`).');
  }
  const mailto = r.string('UNSUBSCRIBE_MAILTO', `unsubscribe@${mailDomain}`);
  if (!EMAIL_RE.test(mailto)) r.problems.push('UNSUBSCRIBE_MAILTO must be an email address.');
  const gpcLastUpdate = r.string('GPC_LAST_UPDATE', '2026-11-27');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(gpcLastUpdate) || Number.isNaN(Date.parse(gpcLastUpdate))) r.problems.push('GPC_LAST_UPDATE must be a date written YYYY-MM-DD.');
  return { purposes: [...new Set(purposes)], unsubscribeSecret: secret, unsubscribeMailto: mailto, gpcLastUpdate };
}

function readGenerationConfig(r: Reader): GenerationConfig {
  const blockedTerms = r.raw('GENERATION_BLOCKED_TERMS');
  if (blockedTerms !== undefined && !/^\s*[a-z0-9_]+\s*:[^;]+(;\s*[a-z0-9_]+\s*:[^;]+)*;?\s*$/.test(blockedTerms)) {
    r.problems.push('GENERATION_BLOCKED_TERMS must read category:term|term;category:term (lower-case category names).');
  }
  const webhookSecret = r.raw('OPENAI_WEBHOOK_SECRET');
  if (webhookSecret !== undefined && webhookSecret.length < 16) r.problems.push('OPENAI_WEBHOOK_SECRET must be the provider\'s webhook signing secret (whsec_…, at least 16 characters).');
  const g: GenerationConfig = {
    webhookSecret,
    requestTimeoutMs: r.int('GENERATION_REQUEST_TIMEOUT_MS', 30_000, 50, 600_000),
    downloadIdleTimeoutMs: r.int('GENERATION_DOWNLOAD_IDLE_TIMEOUT_MS', 30_000, 50, 600_000),
    pollBaseMs: r.int('GENERATION_POLL_BASE_MS', 2_000, 1, 600_000),
    pollMaxMs: r.int('GENERATION_POLL_MAX_MS', 30_000, 1, 3_600_000),
    retryBaseMs: r.int('GENERATION_RETRY_BASE_MS', 2_000, 1, 600_000),
    retryMaxMs: r.int('GENERATION_RETRY_MAX_MS', 120_000, 1, 3_600_000),
    maxAttempts: r.int('GENERATION_MAX_ATTEMPTS', 5, 1, 50),
    deadlineMinutes: r.int('GENERATION_JOB_DEADLINE_MINUTES', 60, 1, 24 * 60),
    leaseMs: r.int('GENERATION_LEASE_MS', 120_000, 200, 3_600_000),
    inlineWaitMs: r.int('GENERATION_INLINE_WAIT_MS', 3_000, 0, 60_000),
    workerConcurrency: r.int('GENERATION_WORKER_CONCURRENCY', 4, 1, 64),
    sweepCron: r.string('GENERATION_SWEEP_CRON', '*/30 * * * * *'),
    expiryNoticeDays: r.int('GENERATION_EXPIRY_NOTICE_DAYS', 7, 1, 60),
    expiryNoticeCron: r.string('GENERATION_EXPIRY_NOTICE_CRON', '0 20 * * * *'),
    blockedTerms,
    simulator: {
      port: r.int('GENERATION_SIMULATOR_PORT', 0, 0, 65535),
      latencyMs: r.int('GENERATION_SIMULATOR_LATENCY_MS', 4_000, 0, 600_000),
      failurePercent: r.int('GENERATION_SIMULATOR_FAILURE_PERCENT', 0, 0, 100),
      moderationPercent: r.int('GENERATION_SIMULATOR_MODERATION_PERCENT', 0, 0, 100),
      expiresInSeconds: r.int('GENERATION_SIMULATOR_EXPIRES_SECONDS', 3_600, 1, 7 * 24 * 3600),
    },
  };
  if (g.pollMaxMs < g.pollBaseMs) r.problems.push('GENERATION_POLL_MAX_MS must not be smaller than GENERATION_POLL_BASE_MS.');
  if (g.retryMaxMs < g.retryBaseMs) r.problems.push('GENERATION_RETRY_MAX_MS must not be smaller than GENERATION_RETRY_BASE_MS.');
  return g;
}

/** STRIPE_API_BASE, e.g. http://127.0.0.1:12111: the Stripe SDK's protocol, host and port. */
function readStripeApiBase(r: Reader): AppConfig['stripe']['apiBase'] {
  const v = r.url('STRIPE_API_BASE', ['http:', 'https:']);
  if (v === undefined) return undefined;
  const u = new URL(v);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return { protocol, host: u.hostname, port: u.port ? Number(u.port) : protocol === 'http' ? 80 : 443 };
}

const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** TRUST_PROXY: off, a hop count, or proxy addresses; never "true", which would let any client choose its own IP. */
function readTrustProxy(r: Reader): AppConfig['trustProxy'] {
  const v = r.raw('TRUST_PROXY');
  if (v === undefined || ['false', 'off', 'no', '0'].includes(v.toLowerCase())) return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops <= 10) return hops;
    r.problems.push(`TRUST_PROXY as a number of proxies must be from 0 to 10 (got "${v}").`);
    return false;
  }
  if (['true', 'on', 'yes'].includes(v.toLowerCase())) {
    r.problems.push('TRUST_PROXY cannot be true (any client could then choose its IP through X-Forwarded-For); give the number of proxies in front of the API (e.g. 1) or their addresses (e.g. loopback,10.0.0.0/8).');
    return false;
  }
  const entries = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = entries.filter((e) => {
    if (TRUST_PROXY_NAMES.includes(e)) return false;
    const [address = '', prefix, ...rest] = e.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return true;
    return prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  });
  if (bad.length > 0) {
    r.problems.push(`TRUST_PROXY must be a number of proxies or a list of addresses, CIDR ranges, loopback, linklocal or uniquelocal (cannot read "${bad.join(', ')}").`);
    return false;
  }
  return entries;
}

/** SUPPORT_BUSINESS_HOURS (checked by the support rules' parser), SUPPORT_AUTO_CLOSE_DAYS, SUPPORT_ROUND_ROBIN. */
function readSupport(r: Reader): AppConfig['support'] {
  const businessHours = r.string('SUPPORT_BUSINESS_HOURS', 'Mon-Fri 09:00-17:00');
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)-(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/.test(businessHours)) {
    r.problems.push(`SUPPORT_BUSINESS_HOURS must look like "Mon-Fri 09:00-17:00" (UTC; got "${businessHours}").`);
  }
  return { businessHours, autoCloseDays: r.int('SUPPORT_AUTO_CLOSE_DAYS', 7, 1, 365), roundRobin: r.bool('SUPPORT_ROUND_ROBIN', false) };
}

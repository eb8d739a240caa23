import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BillingDemoSeed } from '../billing/billing-demo.seed';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { StaffRole } from '../identity/staff.entity';
import { StaffService } from '../identity/staff.service';
import { UsersService } from '../identity/users.service';

export interface DemoCredentials {
  staff: Array<{ email: string; role: StaffRole; displayName: string; password: string }>;
  users: Array<{ email: string; displayName: string; region: string }>;
}

const DEMO_STAFF: Array<{ email: string; role: StaffRole; displayName: string }> = [
  { email: 'admin@soar2.local', role: 'admin', displayName: 'Ada Admin' },
  { email: 'support@soar2.local', role: 'support_agent', displayName: 'Sam Support' },
  { email: 'privacy@soar2.local', role: 'privacy_officer', displayName: 'Priya Privacy' },
  { email: 'auditor@soar2.local', role: 'auditor', displayName: 'Otto Auditor' },
];

const DEMO_USERS = [
  { email: 'alice@example.test', displayName: 'Alice', region: 'EU' },
  { email: 'bob@example.test', displayName: 'Bob', region: 'US-CA' },
  { email: 'chloe@example.test', displayName: 'Chloé', region: 'EU' },
];

/**
 * First admin from BOOTSTRAP_ADMIN_* on an empty staff table (any mode), and demo data outside
 * production: one staff account per role with generated passwords kept in DATA_DIR (mode 600) so
 * that the credentials printed at start are the same across restarts.
 */
@Injectable()
export class SeedService {
  private readonly logger = new Logger(SeedService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly staff: StaffService,
    private readonly users: UsersService,
    private readonly billingDemo: BillingDemoSeed,
  ) {}

  async bootstrapAdmin(): Promise<boolean> {
    const admin = this.config.bootstrapAdmin;
    if (!admin || (await this.staff.count()) > 0) return false;
    await this.staff.ensure(admin.email, 'Administrator', 'admin', admin.password);
    this.logger.log('created the first admin from BOOTSTRAP_ADMIN_EMAIL');
    return true;
  }

  async seedDemo(): Promise<DemoCredentials | undefined> {
    if (!this.config.seedDemo || this.config.production) return undefined;
    const file = path.join(this.config.dataDir, 'demo-credentials.json');
    const creds = await this.loadOrCreate(file);
    for (const s of creds.staff) {
      const created = await this.staff.ensure(s.email, s.displayName, s.role, s.password);
      if (!created) await this.staff.setPassword(s.email, s.password);
    }
    for (const u of creds.users) await this.users.ensure(u.email, u.displayName, u.region);
    await this.billingDemo.seed(creds.users.map((u) => u.email));
    return creds;
  }

  private async loadOrCreate(file: string): Promise<DemoCredentials> {
    const existing = await fs.readFile(file, 'utf8').then((t) => JSON.parse(t) as DemoCredentials, () => undefined);
    if (existing?.staff?.length === DEMO_STAFF.length) return existing;
    const creds: DemoCredentials = {
      staff: DEMO_STAFF.map((s) => ({ ...s, password: `demo-${randomBytes(9).toString('base64url')}` })),
      users: DEMO_USERS,
    };
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
    return creds;
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CreditsService, sqlRows } from '../credits/credits.service';
import { EmailLookupService } from '../identity/email-lookup.service';

const DEMO_PLANS = [
  { name: 'Starter', description: 'For trying things out.', monthlyCredits: 100, stripePriceId: 'price_demo_starter', retentionClass: 'standard', sortOrder: 1 },
  { name: 'Pro', description: 'For regular creators.', monthlyCredits: 500, stripePriceId: 'price_demo_pro', retentionClass: 'extended', sortOrder: 2 },
  { name: 'Studio', description: 'For teams.', monthlyCredits: 2000, stripePriceId: 'price_demo_studio', retentionClass: 'extended', sortOrder: 3 },
];

/** Demo data for `npm start` outside production: three plans and some credits for each demo user (idempotent). */
@Injectable()
export class BillingDemoSeed {
  constructor(
    private readonly dataSource: DataSource,
    private readonly credits: CreditsService,
    private readonly emailLookup: EmailLookupService,
  ) {}

  async seed(userEmails: string[]): Promise<void> {
    for (const p of DEMO_PLANS) {
      await sqlRows(
        this.dataSource.manager,
        `INSERT INTO plans (name, description, monthly_credits, stripe_price_id, retention_class, sort_order)
         SELECT $1::text, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM plans WHERE lower(name) = lower($1::text))`,
        [p.name, p.description, p.monthlyCredits, p.stripePriceId, p.retentionClass, p.sortOrder],
      );
    }
    const users = await sqlRows<{ id: string; email: string }>(this.dataSource.manager, `SELECT id, email FROM users WHERE email_lookup = ANY($1)`, [userEmails.map((e) => this.emailLookup.of(e))]);
    for (const [i, u] of users.entries()) {
      await this.credits.grant({ userId: u.id, amount: 50 * (i + 1), kind: 'purchase', idempotencyKey: `demo:${u.email}:welcome`, reason: 'Demo credits' });
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { SlaContext } from './ticket-view';
import { BusinessHours, SlaPolicy, TicketPriority, parseBusinessHours } from './support-rules';

/** Business hours from the configuration and SLA policies from the database, with the database clock. */
@Injectable()
export class SupportClock {
  readonly hours: BusinessHours;

  constructor(@Inject(APP_CONFIG) readonly config: AppConfig) {
    this.hours = parseBusinessHours(config.support.businessHours);
  }

  async context(manager: EntityManager): Promise<SlaContext> {
    const rows = (await manager.query(
      `SELECT priority, first_response_minutes AS "firstResponseMinutes", resolution_minutes AS "resolutionMinutes", now() AS now FROM support_sla_policies`,
    )) as Array<SlaPolicy & { priority: TicketPriority; now: Date }>;
    const now = rows[0]?.now ?? (((await manager.query(`SELECT now() AS now`)) as Array<{ now: Date }>)[0]?.now as Date);
    return { policies: new Map(rows.map((r) => [r.priority, { firstResponseMinutes: r.firstResponseMinutes, resolutionMinutes: r.resolutionMinutes }])), hours: this.hours, now };
  }
}

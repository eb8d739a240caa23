import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CheckResult, HealthRegistry } from './health-registry';

export interface LivenessReport {
  status: 'ok';
  uptimeSeconds: number;
}

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  roles: string[];
  checks: Record<string, CheckResult>;
}

@Injectable()
export class HealthService implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register('database', async () => {
      await this.dataSource.query('SELECT 1');
    });
  }

  live(): LivenessReport {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  async ready(res: Response): Promise<ReadinessReport> {
    const checks = await this.registry.run();
    const ok = Object.values(checks).every((c) => c.status === 'up');
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', roles: [...this.config.roles], checks };
  }
}

import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health-registry';
import { HealthService } from './health.service';

@Global()
@Module({ controllers: [HealthController], providers: [HealthRegistry, HealthService], exports: [HealthRegistry] })
export class HealthModule {}

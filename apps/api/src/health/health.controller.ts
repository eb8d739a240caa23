import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../identity/auth.decorators';
import { HealthService, LivenessReport, ReadinessReport } from './health.service';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOkResponse({ description: 'The process is alive.' })
  live(): LivenessReport {
    return this.health.live();
  }

  @Get('ready')
  @ApiOkResponse({ description: 'Database, jobs and storage answer.' })
  @ApiServiceUnavailableResponse({ description: 'At least one dependency is down; the body says which.' })
  ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessReport> {
    return this.health.ready(res);
  }
}

import { Module } from '@nestjs/common';
import { PolicyService } from './policy.service';

/** Policy versions, notices, notice campaigns and the sub-processor register. */
@Module({
  providers: [PolicyService],
  exports: [PolicyService],
})
export class PolicyModule {}

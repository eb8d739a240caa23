// Deletion requests hand over to the retention module's erasure engine: the account is scheduled for
// erasure (grace period, none for a child) in the request's own transaction, and the request
// completes when the engine has issued the deletion certificate.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import { ErasureService } from '../retention/erasure.service';
import { PrivacyFulfilmentService } from './privacy-fulfilment.service';
import type { ErasureHandoff, ErasureHandoffResult } from './privacy-ports';

@Injectable()
export class RetentionErasureHandoff implements ErasureHandoff, OnModuleInit {
  constructor(
    private readonly erasures: ErasureService,
    // Fulfilment depends on this hand-over, so it is looked up once both exist (no constructor cycle).
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    const fulfilment = this.moduleRef.get(PrivacyFulfilmentService, { strict: true });
    this.erasures.onCompleted(async (erasure) => {
      if (erasure.requestId && erasure.certificateId) await fulfilment.erasureCompleted(erasure.requestId, erasure.certificateId);
    });
  }

  async handOver(input: { requestId: string; userId: string; child: boolean }, manager: EntityManager): Promise<ErasureHandoffResult> {
    const erasure = await this.erasures.schedule(
      { userId: input.userId, requestId: input.requestId, child: input.child, reason: `Privacy request ${input.requestId} (deletion)`, actor: { type: 'system', id: 'privacy-requests' } },
      manager,
    );
    return { handle: erasure.id, scheduledFor: erasure.runAfter };
  }

  async cancel(requestId: string, manager: EntityManager): Promise<void> {
    await this.erasures.cancelForRequest(requestId, 'The requester withdrew the deletion request during the grace period.', { type: 'system', id: 'privacy-requests' }, manager);
  }
}

import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable, from, switchMap } from 'rxjs';
import type { AuthenticatedRequest } from '../identity/auth.decorators';
import { clientInfoOf } from '../identity/client-info';
import { ConsentService } from './consent.service';
import type { GpcRequest } from './gpc.middleware';

/**
 * Records an opt-out of sale/sharing (source `gpc`) for the signed-in end user of a request that
 * carries the GPC signal, before the handler runs. Only a change is written: later requests with
 * the signal add nothing, and requests without it never opt the person back in.
 */
@Injectable()
export class GpcInterceptor implements NestInterceptor {
  constructor(private readonly consent: ConsentService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & GpcRequest & AuthenticatedRequest>();
    if (!req.gpc || req.principal?.kind !== 'user') return next.handle();
    const userId = req.principal.id;
    const client = clientInfoOf(req);
    return from(this.consent.optOutOfSale(userId, { source: 'gpc', ip: client.ip, userAgent: client.userAgent })).pipe(switchMap(() => next.handle()));
  }
}

import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { Observable, map } from 'rxjs';
import { contentRange } from './list-query';

/** A page of a console list; answered as a bare array with a Content-Range header (ra-data-simple-rest). */
export class ListPage<T> {
  constructor(
    readonly resource: string,
    readonly items: T[],
    readonly skip: number,
    readonly total: number,
  ) {}
}

/** Turns ListPage results into the array + Content-Range answer react-admin expects. */
@Injectable()
export class ListPageInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof ListPage)) return result;
        const res = context.switchToHttp().getResponse<Response>();
        res.setHeader('Content-Range', contentRange(result.resource, result.skip, result.items.length, result.total));
        return result.items;
      }),
    );
  }
}

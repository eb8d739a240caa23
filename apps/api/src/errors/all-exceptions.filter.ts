import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainException, ValidationFailedException } from './domain.exception';
import { ErrorBody, errorBody } from './error-body';
import { PLATFORM_ERROR_CODES, codeForStatus } from './error-codes';

interface HttpExceptionPayload {
  message?: string | string[];
  code?: string;
}

/** Maps every exception to the API's error shape. Unknown errors become a 500 without internals. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const body = this.toBody(exception, req);
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId: req.id }, 'request failed with an unexpected error');
    }
    if (exception instanceof DomainException && typeof exception.details?.retryAfterSeconds === 'number') {
      res.setHeader('Retry-After', String(Math.ceil(exception.details.retryAfterSeconds)));
    }
    if (!res.headersSent) res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, req: Request & { id?: string }): ErrorBody {
    if (exception instanceof ValidationFailedException) {
      return errorBody(exception.status, exception.code, exception.message, { errors: exception.errors });
    }
    if (exception instanceof DomainException) {
      return errorBody(exception.status, exception.code, exception.message);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const p: HttpExceptionPayload = typeof payload === 'string' ? { message: payload } : (payload as HttpExceptionPayload);
      const raw = Array.isArray(p.message) ? p.message.join('; ') : p.message;
      if (status === HttpStatus.NOT_FOUND && typeof raw === 'string' && raw.startsWith('Cannot ')) {
        return errorBody(status, 'ROUTE_NOT_FOUND', `There is no endpoint ${req.method} ${req.path}.`);
      }
      const code = p.code ?? codeForStatus(status);
      const message = raw && /\s/.test(raw) ? sentence(raw) : PLATFORM_ERROR_CODES[codeForStatus(status)];
      return errorBody(status, code, message);
    }
    return errorBody(500, 'INTERNAL_ERROR', PLATFORM_ERROR_CODES.INTERNAL_ERROR, { requestId: req.id });
  }
}

function sentence(text: string): string {
  const t = text.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config';
import { safeLogPath, scrubError, scrubLogValue } from './log-redaction';

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,128}$/;

/** Reuses a caller's X-Request-Id when it is well-formed, else makes one; echoes it on the response. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Structured JSON logs (pino) with request ids; personal data and secrets never reach the output. */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, destination?: DestinationStream): DynamicModule {
    const options = {
      level: config.logLevel,
      genReqId: requestId,
      base: { service: 'soar2-api', roles: [...config.roles].join(',') },
      redact: { paths: ['req.headers', 'res.headers'], censor: '[redacted]' },
      serializers: {
        req: (req: { id?: string; method?: string; url?: string }) => ({ id: req.id, method: req.method, path: safeLogPath(req.url) }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: (err: Error) => scrubError(err),
      },
      formatters: {
        log: (object: Record<string, unknown>) => scrubLogValue(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void): void {
          method.apply(this, args.map((a) => scrubLogValue(a)));
        },
      },
      autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
      customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${safeLogPath(req.url)} ${res.statusCode}`,
      customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${safeLogPath(req.url)} ${res.statusCode}`,
    };
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: destination ? [options, destination] : options, forRoutes: ['*path'] })],
    };
  }
}

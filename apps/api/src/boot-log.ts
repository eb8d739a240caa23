import pino from 'pino';
import type { AppConfig } from './config/app-config';
import { scrubLogValue } from './logging/log-redaction';

/** The logger used before Nest is up (and after it has closed): same JSON shape and redaction. */
export function createBootLog(config: Pick<AppConfig, 'logLevel'>): (message: string, fields?: Record<string, unknown>) => void {
  const logger = pino({ level: config.logLevel, base: { service: 'soar2-api', context: 'Boot' } });
  return (message, fields) => logger.info(scrubLogValue(fields ?? {}) as Record<string, unknown>, message);
}

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule, AppModuleOptions } from './app.module';
import type { AppConfig } from './config/app-config';
import { installBodyParsers } from './errors/body-parsers';
import { createValidationPipe } from './errors/validation.pipe';
import { setupOpenApi } from './openapi/openapi';

/**
 * Builds the whole application (not yet listening). Shared by main.ts and the HTTP tests, so
 * tests exercise exactly what production runs. `config.database.url` must already be resolved.
 */
export async function createApp(config: AppConfig, options: AppModuleOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    exposedHeaders: ['Content-Range', 'X-Request-Id', 'Retry-After'],
  });
  installBodyParsers(app, config.bodyLimitBytes);
  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app);
  serveConsole(app, config);
  await app.init();
  return app;
}

/** Serves the built react-admin console at `/` when it has been built (npm start builds it). */
function serveConsole(app: NestExpressApplication, config: AppConfig): void {
  const index = path.join(config.adminDistDir, 'index.html');
  if (!existsSync(index)) return;
  app.use(express.static(config.adminDistDir, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForIndex }));
}

function noCacheForIndex(res: express.Response, file: string): void {
  if (file.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
}

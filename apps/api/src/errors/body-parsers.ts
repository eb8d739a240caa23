import type { INestApplication } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import { errorBody } from './error-body';

export interface RawBodyRequest extends Request {
  rawBody?: Buffer;
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * JSON and form parsers with a size limit, keeping the raw bytes (webhook signatures are computed
 * over them), and an error handler so that malformed or oversized bodies get the API's error shape.
 */
export function installBodyParsers(app: INestApplication, limitBytes: number): void {
  const keepRaw = (req: RawBodyRequest, _res: Response, buf: Buffer): void => {
    req.rawBody = buf;
  };
  app.use(express.json({ limit: limitBytes, verify: keepRaw, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ limit: limitBytes, extended: false, verify: keepRaw }));
  app.use(express.text({ limit: limitBytes, type: 'text/plain', verify: keepRaw }));
  app.use((err: BodyParserError, _req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    if (err.type === 'entity.too.large') {
      return res.status(413).json(errorBody(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than the limit of ${err.limit ?? limitBytes} bytes.`));
    }
    if (err.type === 'entity.parse.failed') {
      return res.status(400).json(errorBody(400, 'MALFORMED_JSON', 'The request body is not valid JSON.'));
    }
    if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
      return res.status(415).json(errorBody(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request body uses an encoding or charset this API does not accept.'));
    }
    // Other body-parser failures (aborted or unreadable streams); anything else passes on untouched.
    if (typeof err.type === 'string' && typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      return res.status(err.status).json(errorBody(err.status, 'BAD_REQUEST', 'The request body could not be read.'));
    }
    return next(err);
  });
}

import { STATUS_CODES } from 'node:http';

/** The one error shape of the API (see API.md): statusCode, error, message, code, and errors for 422. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  errors?: Record<string, string>;
  requestId?: string;
}

export function errorBody(statusCode: number, code: string, message: string, extra: Partial<ErrorBody> = {}): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, code, ...extra };
}

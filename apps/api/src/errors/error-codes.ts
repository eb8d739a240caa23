import { HttpStatus } from '@nestjs/common';

/** Platform-wide machine codes, used when an error carries no domain code of its own. */
export const PLATFORM_ERROR_CODES = {
  VALIDATION_FAILED: 'Some fields are missing or invalid.',
  MALFORMED_JSON: 'The request body is not valid JSON.',
  PAYLOAD_TOO_LARGE: 'The request body is larger than the limit.',
  UNSUPPORTED_MEDIA_TYPE: 'The request body has a content type this endpoint does not accept.',
  ROUTE_NOT_FOUND: 'There is no such endpoint.',
  NOT_FOUND: 'The resource was not found.',
  UNAUTHENTICATED: 'Sign in first: the request has no valid credentials.',
  FORBIDDEN: 'You are not allowed to do this.',
  RATE_LIMITED: 'Too many requests; try again later.',
  CONFLICT: 'The request conflicts with the current state of the resource.',
  BAD_REQUEST: 'The request is malformed.',
  INTERNAL_ERROR: 'Something went wrong on our side; the error has been logged with the request id.',
  SERVICE_UNAVAILABLE: 'The service is temporarily unavailable.',
} as const;

export type PlatformErrorCode = keyof typeof PLATFORM_ERROR_CODES;

/** The code for an HTTP status when nothing more specific is known. */
export function codeForStatus(status: number): PlatformErrorCode {
  switch (status) {
    case HttpStatus.BAD_REQUEST:
      return 'BAD_REQUEST';
    case HttpStatus.UNAUTHORIZED:
      return 'UNAUTHENTICATED';
    case HttpStatus.FORBIDDEN:
      return 'FORBIDDEN';
    case HttpStatus.NOT_FOUND:
      return 'NOT_FOUND';
    case HttpStatus.CONFLICT:
      return 'CONFLICT';
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return 'PAYLOAD_TOO_LARGE';
    case HttpStatus.UNSUPPORTED_MEDIA_TYPE:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case HttpStatus.UNPROCESSABLE_ENTITY:
      return 'VALIDATION_FAILED';
    case HttpStatus.TOO_MANY_REQUESTS:
      return 'RATE_LIMITED';
    case HttpStatus.SERVICE_UNAVAILABLE:
      return 'SERVICE_UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
  }
}

// Classifies what went wrong with a job into the classes support filters by, and says whether
// trying again can help.

export const ERROR_CLASSES = ['moderation_blocked', 'invalid_request', 'provider_unavailable', 'rate_limited', 'timeout', 'asset_expired', 'internal'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export interface ClassifiedError {
  errorClass: ErrorClass;
  retryable: boolean;
  /** Machine code stored with the job (the provider's when it gave one). */
  code: string;
  message: string;
}

/** What we know about a failure, gathered by the provider adapter (no SDK types here). */
export interface FailureFacts {
  /** HTTP status of the provider's answer, when there was one. */
  httpStatus?: number;
  /** The provider's error code (from an error body or a failed video's `error.code`). */
  code?: string | null;
  message?: string | null;
  /** The request got no answer: it timed out, or the connection failed or was cut. */
  transport?: 'timeout' | 'connection';
  /** The provider answered `expired`, or the asset was gone (404/410) after completion. */
  expired?: boolean;
}

const MODERATION_CODES = /moderation|content_policy|policy_violation|safety|blocked/i;

export function classifyFailure(f: FailureFacts): ClassifiedError {
  const code = f.code ?? undefined;
  const message = (f.message ?? '').slice(0, 500);
  if (f.expired) return { errorClass: 'asset_expired', retryable: false, code: code ?? 'asset_expired', message: message || 'The provider no longer has the video.' };
  if ((code && MODERATION_CODES.test(code)) || (f.httpStatus === 400 && MODERATION_CODES.test(message))) {
    return { errorClass: 'moderation_blocked', retryable: false, code: code ?? 'moderation_blocked', message: message || 'The provider refused the request under its content rules.' };
  }
  if (f.transport === 'timeout' || f.httpStatus === 408 || f.httpStatus === 504) {
    return { errorClass: 'timeout', retryable: true, code: code ?? 'timeout', message: message || 'The provider did not answer in time.' };
  }
  if (f.transport === 'connection') return { errorClass: 'provider_unavailable', retryable: true, code: code ?? 'connection_error', message: message || 'The connection to the provider failed.' };
  if (f.httpStatus === 429) return { errorClass: 'rate_limited', retryable: true, code: code ?? 'rate_limited', message: message || 'The provider asked us to slow down.' };
  if (f.httpStatus !== undefined && f.httpStatus >= 500) {
    return { errorClass: 'provider_unavailable', retryable: true, code: code ?? `http_${f.httpStatus}`, message: message || 'The provider had an error.' };
  }
  if (f.httpStatus !== undefined && f.httpStatus >= 400) {
    return { errorClass: 'invalid_request', retryable: false, code: code ?? `http_${f.httpStatus}`, message: message || 'The provider refused the request.' };
  }
  return { errorClass: 'internal', retryable: false, code: code ?? 'internal', message: message || 'The video could not be made.' };
}

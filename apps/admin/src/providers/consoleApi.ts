// Calls to console API routes outside the CRUD dialect (actions such as unlock, the caller's own
// password and two-step sign-in), answered as a value rather than a throw so forms can show
// a 422's field messages beside their inputs.
import { HttpError } from 'react-admin';
import { apiErrorMessage, isApiErrorBody } from './apiErrors';
import { httpClient } from './httpClient';

export type ApiResult<T> =
  | { ok: true; body: T }
  | { ok: false; status: number; code: string | undefined; message: string; fieldErrors: Record<string, string> | undefined };

export async function callApi<T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<ApiResult<T>> {
  try {
    const response = await httpClient(url, {
      method,
      headers: new Headers({ Accept: 'application/json', 'Content-Type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { ok: true, body: response.json as T };
  } catch (error) {
    if (!(error instanceof HttpError)) return { ok: false, status: 0, code: undefined, message: 'The API could not be reached; try again in a moment.', fieldErrors: undefined };
    const errorBody: unknown = error.body;
    return {
      ok: false,
      status: error.status,
      code: isApiErrorBody(errorBody) ? errorBody.code : undefined,
      message: apiErrorMessage(errorBody, error.message),
      fieldErrors: isApiErrorBody(errorBody) ? errorBody.errors : undefined,
    };
  }
}

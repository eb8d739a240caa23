// The API's one error shape (API.md): {statusCode, error, message, code, errors?}.
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  errors?: Record<string, string>;
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ApiErrorBody>;
  return typeof v.statusCode === 'number' && typeof v.message === 'string' && typeof v.code === 'string';
}

/** The sentence to show a person: the field messages of a 422, else the API's message. */
export function apiErrorMessage(body: unknown, fallback: string): string {
  if (!isApiErrorBody(body)) return fallback;
  const fieldMessages = body.errors ? Object.values(body.errors) : [];
  return fieldMessages.length > 0 ? fieldMessages.join(' ') : body.message;
}

/** Reads a response body as JSON when it is JSON, so error bodies survive non-2xx answers. */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

import { fetchUtils } from 'react-admin';
import { readSession } from './session';

/**
 * fetchJson with the staff bearer token. Non-2xx answers reject with an HttpError whose body is
 * the API's error JSON, so a 422's `errors: {field: message}` reaches react-admin's forms as
 * `error.body.errors` and is shown next to the inputs, and `error.message` is the API's sentence.
 */
export function httpClient(url: string, options: fetchUtils.Options = {}): ReturnType<typeof fetchUtils.fetchJson> {
  const headers = new Headers(options.headers ?? { Accept: 'application/json' });
  const session = readSession();
  if (session) headers.set('Authorization', `Bearer ${session.token}`);
  return fetchUtils.fetchJson(url, { ...options, headers });
}

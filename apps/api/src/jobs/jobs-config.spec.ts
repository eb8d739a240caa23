import { ConfigValidationError, loadConfig } from '../config/app-config';

describe('JOBS_SCHEMA', () => {
  it('defaults to pgboss', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).jobs.schema).toBe('pgboss');
  });

  it('accepts a plain schema name', () => {
    expect(loadConfig({ NODE_ENV: 'test', JOBS_SCHEMA: 'jobs_v2' }).jobs.schema).toBe('jobs_v2');
  });

  it.each(['Jobs', 'jobs;drop', '1jobs', 'public', 'pg_jobs'])('rejects %s with a sentence naming the variable', (schema) => {
    expect(() => loadConfig({ NODE_ENV: 'test', JOBS_SCHEMA: schema })).toThrow(ConfigValidationError);
    expect(() => loadConfig({ NODE_ENV: 'test', JOBS_SCHEMA: schema })).toThrow(/JOBS_SCHEMA must be a PostgreSQL schema name/);
  });
});

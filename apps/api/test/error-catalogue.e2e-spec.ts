import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { TestApp, startTestApp } from './support/test-app';

function exceptionFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return exceptionFiles(full);
    return name.endsWith('.exception.ts') ? [full] : [];
  });
}

/** Machine codes written in exception files: quoted UPPER_SNAKE_CASE strings (super('CODE', …), super('The x', 'CODE')). */
function codesThrownInSource(): string[] {
  const codes = new Set<string>();
  for (const file of exceptionFiles(path.resolve(__dirname, '../src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/['"`]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)['"`]/g)) codes.add(m[1] ?? '');
  }
  return [...codes].sort();
}

describe('error codes in the OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('documents every code an exception in the code base can answer with', async () => {
    const doc = await request(t.server).get('/docs-json').expect(200);
    const description: string = doc.body.info.description;
    const codes = codesThrownInSource();
    expect(codes.length).toBeGreaterThan(5);
    const missing = codes.filter((c) => !description.includes(`\`${c}\``));
    expect(missing).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../../..');

/** Every variable the configuration reads, taken from the source so that a new one cannot be forgotten. */
function variablesReadByConfig(): string[] {
  const source = readFileSync(path.join(__dirname, 'app-config.ts'), 'utf8');
  const names = new Set<string>();
  for (const m of source.matchAll(/r\.(?:raw|string|int|bool|oneOf|url|size)(?:<[^>]+>)?\('([A-Z][A-Z0-9_]+)'/g)) names.add(m[1] ?? '');
  return [...names].sort();
}

function variablesDocumented(): string[] {
  const text = readFileSync(path.join(root, '.env.example'), 'utf8');
  return [...text.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] ?? '').sort();
}

describe('.env.example', () => {
  it('documents every variable the configuration reads, and no others', () => {
    const read = variablesReadByConfig();
    expect(read.length).toBeGreaterThan(15);
    expect(variablesDocumented()).toEqual(read);
  });

  it('documents at least the variables the API contract names', () => {
    expect(variablesDocumented()).toEqual(
      expect.arrayContaining(['PORT', 'DATABASE_URL', 'DATA_DIR', 'SMTP_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'BOOTSTRAP_ADMIN_EMAIL', 'BOOTSTRAP_ADMIN_PASSWORD']),
    );
  });
});

// npm run verify-certificate <certificate.json> [--trust <fingerprint>]...
// Checks a deletion certificate's Ed25519 signature offline. Exit 0: valid; 1: invalid; 2: usage.
import { readFileSync } from 'node:fs';
import { verifyCertificate } from '../libs/privacy/src/deletion-certificate';

function main(argv: string[]): number {
  const trusted: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--trust') trusted.push(argv[++i] ?? '');
    else files.push(arg);
  }
  if (files.length !== 1) {
    process.stderr.write('usage: npm run verify-certificate <certificate.json> [--trust <key fingerprint>]\n');
    return 2;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(files[0]!, 'utf8'));
  } catch (err) {
    process.stderr.write(`cannot read ${files[0]}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  // The console's JSON download wraps the signed document as `document`; accept both shapes.
  const doc = parsed && typeof parsed === 'object' && 'document' in parsed ? (parsed as { document: unknown }).document : parsed;
  const verdict = verifyCertificate(doc, trusted.length ? trusted : undefined);
  if (verdict.valid) {
    process.stdout.write(`VALID: signed by key ${verdict.fingerprint}${trusted.length ? ' (trusted)' : ' (compare with the operator\'s published fingerprint)'}\n`);
    return 0;
  }
  process.stdout.write(`INVALID: ${verdict.reason}\n`);
  return 1;
}

process.exit(main(process.argv.slice(2)));

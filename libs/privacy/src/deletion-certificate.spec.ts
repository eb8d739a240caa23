import { generateKeyPairSync } from 'node:crypto';
import { CERTIFICATE_FORMAT, canonicalJson, emailHash, signCertificate, verifyCertificate, type DeletionCertificateBody } from './deletion-certificate';

const { privateKey } = generateKeyPairSync('ed25519');

function body(): DeletionCertificateBody {
  return {
    format: CERTIFICATE_FORMAT,
    certificateId: 'c-1',
    subjectId: 'u-1',
    subjectEmailHash: emailHash('Ada@Example.com ', 'salt'),
    subjectEmailSalt: 'salt',
    requestId: null,
    startedAt: '2026-11-27T10:00:00.000Z',
    completedAt: '2026-11-27T10:00:05.000Z',
    categories: [{ category: 'identity.profile', method: 'deleted', deleted: 1, anonymised: 0 }],
    retained: [{ category: 'billing.credits', count: 3, basis: 'tax records (7 years)' }],
    systemsReached: ['database', 'storage'],
    dataKeyDestroyed: true,
  };
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
  });
});

describe('emailHash', () => {
  it('normalises case and spaces and depends on the salt', () => {
    expect(emailHash('ada@example.com', 's')).toBe(emailHash(' ADA@example.com', 's'));
    expect(emailHash('ada@example.com', 's')).not.toBe(emailHash('ada@example.com', 't'));
  });
});

describe('deletion certificates', () => {
  it('verifies a signed certificate and reports the key fingerprint', () => {
    const signed = signCertificate(body(), privateKey);
    const verdict = verifyCertificate(JSON.parse(JSON.stringify(signed)), [signed.keyFingerprint]);
    expect(verdict).toEqual({ valid: true, fingerprint: signed.keyFingerprint });
  });

  it('rejects a certificate whose body was altered', () => {
    const signed = signCertificate(body(), privateKey);
    signed.certificate.categories[0]!.deleted = 0;
    expect(verifyCertificate(signed)).toEqual({ valid: false, reason: expect.stringMatching(/does not match/) });
  });

  it('rejects a certificate signed by a key that is not trusted', () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const signed = signCertificate(body(), other);
    expect(verifyCertificate(signed, ['0'.repeat(64)])).toEqual({ valid: false, reason: expect.stringMatching(/not a trusted key/) });
  });

  it('refuses to sign with a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    expect(() => signCertificate(body(), rsa)).toThrow(/Ed25519/);
  });

  it.each([null, 'text', {}, { algorithm: 'Ed25519', publicKey: 'x', signature: 'y', certificate: { format: 'other' } }])('rejects malformed input %j', (input) => {
    expect(verifyCertificate(input).valid).toBe(false);
  });
});

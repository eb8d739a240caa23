// Deletion certificates: a signed statement of what an erasure removed, kept after the erasure it
// proves. Signed with Ed25519 over a canonical JSON form (keys sorted, no whitespace), so anyone with
// the public key can check it without our database. Pure: node:crypto only.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export const CERTIFICATE_FORMAT = 'soar2.deletion-certificate/1';

export interface CertificateCategory {
  category: string;
  method: 'deleted' | 'anonymised' | 'key_destroyed' | 'retained';
  deleted: number;
  anonymised: number;
}

export interface CertificateRetention {
  category: string;
  count: number;
  /** The legal hold or legal basis that kept it. */
  basis: string;
}

export interface DeletionCertificateBody {
  format: typeof CERTIFICATE_FORMAT;
  certificateId: string;
  /** The erased user's id (a random UUID that names no one once the account is gone). */
  subjectId: string;
  /** SHA-256 of (salt ‖ normalised email), hex; the salt is kept beside it. */
  subjectEmailHash: string;
  subjectEmailSalt: string;
  requestId: string | null;
  startedAt: string;
  completedAt: string;
  categories: CertificateCategory[];
  retained: CertificateRetention[];
  systemsReached: string[];
  dataKeyDestroyed: boolean;
}

export interface SignedDeletionCertificate {
  certificate: DeletionCertificateBody;
  algorithm: 'Ed25519';
  /** SPKI DER, base64: the key that signed it. */
  publicKey: string;
  /** SHA-256 of the public key, hex: compare with the operator's published fingerprint. */
  keyFingerprint: string;
  signature: string;
}

/** JSON with object keys sorted at every level and no whitespace: the bytes that are signed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function emailHash(email: string, salt: string): string {
  return createHash('sha256').update(salt, 'utf8').update(email.trim().toLowerCase(), 'utf8').digest('hex');
}

export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** Signs a certificate with an Ed25519 private key (PKCS#8 PEM or a KeyObject). */
export function signCertificate(body: DeletionCertificateBody, privateKey: KeyObject | string): SignedDeletionCertificate {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('Deletion certificates are signed with an Ed25519 key.');
  const publicKey = createPublicKey(key);
  return {
    certificate: body,
    algorithm: 'Ed25519',
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    keyFingerprint: keyFingerprint(publicKey),
    signature: sign(null, Buffer.from(canonicalJson(body), 'utf8'), key).toString('base64'),
  };
}

export type CertificateVerdict = { valid: true; fingerprint: string } | { valid: false; reason: string };

/**
 * Checks a certificate's signature. With `trustedFingerprints`, the signing key must also be one of
 * them (a certificate signed by someone else's key is otherwise self-consistent but not ours).
 */
export function verifyCertificate(input: unknown, trustedFingerprints?: string[]): CertificateVerdict {
  if (!input || typeof input !== 'object') return { valid: false, reason: 'The file is not a certificate object.' };
  const cert = input as Partial<SignedDeletionCertificate>;
  if (cert.algorithm !== 'Ed25519' || typeof cert.publicKey !== 'string' || typeof cert.signature !== 'string' || !cert.certificate) {
    return { valid: false, reason: 'The certificate lacks its algorithm, public key, signature or body.' };
  }
  if (cert.certificate.format !== CERTIFICATE_FORMAT) return { valid: false, reason: `Unknown certificate format "${String(cert.certificate.format)}".` };
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.from(cert.publicKey, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return { valid: false, reason: 'The public key cannot be read.' };
  }
  const fingerprint = keyFingerprint(publicKey);
  if (trustedFingerprints && !trustedFingerprints.includes(fingerprint)) return { valid: false, reason: `The certificate was signed by key ${fingerprint}, which is not a trusted key.` };
  const ok = verify(null, Buffer.from(canonicalJson(cert.certificate), 'utf8'), publicKey, Buffer.from(cert.signature, 'base64'));
  return ok ? { valid: true, fingerprint } : { valid: false, reason: 'The signature does not match the certificate body (it was altered or signed by another key).' };
}

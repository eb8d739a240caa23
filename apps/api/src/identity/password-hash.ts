import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/** argon2id (the library's default algorithm) with OWASP's recommended minimum cost. */
export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

/** False for a wrong password and for a malformed hash (never throws). */
export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2Verify(hash, password).catch(() => false);
}

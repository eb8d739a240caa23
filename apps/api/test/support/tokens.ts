import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { STAFF_TOKEN_PREFIX, hashSessionToken, newSessionToken } from '../../src/identity/session-token';
import { StaffService } from '../../src/identity/staff.service';
import type { StaffRole } from '../../src/identity/staff.entity';
import { UserAuthService } from '../../src/identity/user-auth.service';
import { UsersService } from '../../src/identity/users.service';

/** A console bearer token for a staff member, issued without the password round trip (argon2 is slow). */
export async function issueStaffToken(app: INestApplication, staffId: string): Promise<string> {
  const token = newSessionToken(STAFF_TOKEN_PREFIX);
  await app.get(DataSource).query(`INSERT INTO staff_sessions (staff_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 hour')`, [
    staffId,
    hashSessionToken(token),
  ]);
  return token;
}

/** Creates (or finds) a staff member with this role; returns its id. */
export async function ensureStaff(app: INestApplication, role: StaffRole, email = `${role}@soar2.test`): Promise<string> {
  await app.get(StaffService).ensure(email, role, role, 'a-test-password-1');
  const rows: Array<{ id: string }> = await app.get(DataSource).query('SELECT id FROM staff WHERE email = $1', [email]);
  return rows[0]?.id ?? '';
}

/** Creates (or finds) an end user and returns its id and a fresh API token. */
export async function userWithToken(app: INestApplication, email: string): Promise<{ id: string; token: string }> {
  const user = await app.get(UsersService).ensure(email, email.split('@')[0] ?? 'user', 'EU');
  const { token } = await app.get(UserAuthService).createSession(user.id);
  return { id: user.id, token };
}

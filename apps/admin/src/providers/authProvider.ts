import type { AuthProvider, UserIdentity } from 'react-admin';
import { apiErrorMessage, isApiErrorBody, readJson } from './apiErrors';
import { canAccess, type AccessRequest } from './canAccess';
import { clearSession, isSessionActive, parseSession, readSession, writeSession, type StaffRole } from './session';

export interface StaffIdentity extends UserIdentity {
  id: string;
  fullName: string;
  email: string;
  role: StaffRole;
}

interface LoginParams {
  username?: string;
  email?: string;
  password?: string;
  /** The authenticator code, for staff with two-step sign-in. */
  totp?: string;
}

/** react-admin shows an auth error's message to the user as it is; `code` is the API's machine code. */
export class AuthError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** Staff sign-in against the real API (`/admin/auth/*`), bearer tokens kept in localStorage. */
export const authProvider: AuthProvider = {
  async login({ username, email, password, totp }: LoginParams) {
    const code = totp?.replace(/\s+/g, '');
    const response = await fetch('/admin/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ email: (email ?? username ?? '').trim(), password: password ?? '', ...(code ? { totp: code } : {}) }),
    });
    const body = await readJson(response);
    if (!response.ok) throw new AuthError(apiErrorMessage(body, 'Sign-in failed; try again in a moment.'), isApiErrorBody(body) ? body.code : undefined);
    const session = parseSession(body);
    if (!session) throw new AuthError('The server answered the sign-in with something unexpected.');
    writeSession(session);
  },

  async logout() {
    const session = readSession();
    clearSession();
    if (!session) return;
    // Revokes the token on the server; an expired or already revoked one answers 401, which is fine.
    await fetch('/admin/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${session.token}` } }).catch(() => undefined);
  },

  async checkAuth() {
    if (isSessionActive(readSession())) return;
    clearSession();
    // `message: false`: go to the sign-in page without a "please sign in" notification.
    throw { message: false };
  },

  async checkError(error: unknown) {
    const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
    // 403 is "your role does not allow this": stay signed in and let the page show the message.
    if (status === 401) throw new AuthError('Your session has ended; sign in again.');
  },

  async getIdentity(): Promise<StaffIdentity> {
    const session = readSession();
    if (!session) throw new AuthError('Not signed in.');
    const { id, displayName, email, role } = session.staff;
    return { id, fullName: displayName, email, role };
  },

  async getPermissions(): Promise<StaffRole | undefined> {
    return readSession()?.staff.role;
  },

  // react-admin asks this before showing a resource, a menu entry or a button.
  async canAccess(params: AccessRequest): Promise<boolean> {
    return canAccess(readSession()?.rules, params);
  },
};

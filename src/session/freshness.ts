import type { AudienceToken, StoredSession } from './session.js';

/** The longest refresh margin: a token with less than a minute left is refreshed before use. */
export const maxRefreshMarginMs = 60_000;

/**
 * How long before its expiry a token is refreshed: min(60 s, a quarter of its lifetime). A fixed
 * minute would refresh on every call a token that lives less than a minute (API resources can be
 * given short TTLs in Logto), and each refresh rotates the refresh token.
 * A token whose issue time is unknown (saved by an older hflogin) gets the full minute.
 */
export function refreshMarginMs(token: Pick<AudienceToken, 'expiresAt' | 'issuedAt'>): number {
  const expires = Date.parse(token.expiresAt);
  const issued = token.issuedAt ? Date.parse(token.issuedAt) : Number.NaN;
  if (!Number.isFinite(issued) || !(expires > issued)) return maxRefreshMarginMs;
  return Math.min(maxRefreshMarginMs, (expires - issued) / 4);
}

/** Whether the token can be used as it is (more than its refresh margin left). */
export function isFresh(token: Pick<AudienceToken, 'expiresAt' | 'issuedAt'>, now: number): boolean {
  return Date.parse(token.expiresAt) - now > refreshMarginMs(token);
}

/**
 * What `status` says about a stored session, and what every other command does with it:
 * - valid: the access token has more than its refresh margin left;
 * - expiring: it is still good, but inside the margin (the next use refreshes it);
 * - expired-refreshable: it has expired and a refresh token is there (whether Logto still honours
 *   it shows on use: status never asks Logto);
 * - refresh-refused: Logto refused the refresh token; a new sign-in is needed;
 * - needs-login: expired with no refresh token, or unreadable;
 * - signed-out: nothing stored;
 * - storage-unavailable: the keychain (or session file) cannot be read.
 */
export type SessionState =
  | 'valid'
  | 'expiring'
  | 'expired-refreshable'
  | 'refresh-refused'
  | 'needs-login'
  | 'signed-out'
  | 'storage-unavailable';

export function sessionState(session: StoredSession | null, now: number): SessionState {
  if (!session) return 'signed-out';
  if (session.refreshRefusedAt) return 'refresh-refused';
  const token = defaultToken(session);
  if (isFresh(token, now)) return 'valid';
  if (Date.parse(token.expiresAt) > now) return 'expiring';
  return session.refreshToken ? 'expired-refreshable' : 'needs-login';
}

/** The session's own access token (audience key '') as an AudienceToken. */
export function defaultToken(session: StoredSession): AudienceToken {
  return {
    accessToken: session.accessToken,
    tokenType: 'Bearer',
    expiresAt: session.accessTokenExpiresAt,
    issuedAt: session.accessTokenIssuedAt,
    scope: session.scopes,
  };
}

/** When a token just received expires and was issued, from its `expires_in` (Logto's default 3600 s). */
export function tokenTimes(
  now: number,
  expiresInSeconds: number | undefined,
): { issuedAt: string; expiresAt: string } {
  return {
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + (expiresInSeconds ?? 3600) * 1000).toISOString(),
  };
}

import type { TokenEndpointResponse } from 'oauth4webapi';

import { ExitCode, HfloginError } from '../io/errors.js';
import type { ProviderContext } from '../oauth/provider.js';
import { refreshTokens } from '../oauth/refresh.js';
import type { SecretStore } from '../storage/secretStore.js';
import type { StoredSession } from './session.js';
import { saveSession } from './sessionStore.js';

/** An access token that expires within this margin is refreshed before use. */
export const refreshMarginMs = 60_000;

export function expiresAt(tokens: TokenEndpointResponse, now: number): string {
  return new Date(now + (tokens.expires_in ?? 3600) * 1000).toISOString();
}

export function needsRefresh(session: StoredSession, now: number): boolean {
  return Date.parse(session.accessTokenExpiresAt) - now <= refreshMarginMs;
}

export interface RefreshContext {
  provider: ProviderContext;
  store: SecretStore;
  profile: string;
  now: () => number;
  signal?: AbortSignal;
}

/**
 * The session with a usable access token: refreshed (and saved before anything uses it, since Logto
 * rotates the refresh token) when it expires within a minute, or when `force` says the provider
 * refused it. A failed refresh leaves the stored session exactly as it was.
 */
export async function freshSession(
  session: StoredSession,
  context: RefreshContext,
  force = false,
): Promise<StoredSession> {
  if (!force && !needsRefresh(session, context.now())) return session;
  if (!session.refreshToken) {
    throw new HfloginError(
      `The session for ${context.provider.host} has expired and holds no refresh token.`,
      {
        code: 'session_expired',
        exitCode: ExitCode.notSignedIn,
        hint: 'Run hflogin login to sign in again.',
      },
    );
  }
  const tokens = await refreshTokens(context.provider, session.refreshToken, {}, context.signal);
  const refreshed: StoredSession = {
    ...session,
    accessToken: tokens.access_token,
    accessTokenExpiresAt: expiresAt(tokens, context.now()),
    refreshToken: tokens.refresh_token ?? session.refreshToken,
    idToken: tokens.id_token ?? session.idToken,
    scopes: tokens.scope ? tokens.scope.split(' ') : session.scopes,
    savedAt: new Date(context.now()).toISOString(),
  };
  await saveSession(context.store, context.profile, refreshed);
  return refreshed;
}

import type { TokenEndpointResponse } from 'oauth4webapi';

import { ExitCode, HfloginError } from '../io/errors.js';
import { organizationsScope } from '../logto/authorizationParameters.js';
import type { ProviderContext } from '../oauth/provider.js';
import type { SecretStore } from '../storage/secretStore.js';
import type { AudienceToken, StoredSession } from './session.js';
import { withSessionLock } from './sessionLock.js';
import { loadSession, saveSession } from './sessionStore.js';

/** An access token that expires within this margin is refreshed before use. */
export const refreshMarginMs = 60_000;

/** Who the token is for: the default (userinfo), an API resource, an organization, or both. */
export interface Audience {
  resource?: string;
  organization?: string;
}

export function audienceKey(audience: Audience): string {
  return [
    audience.organization ? `organization:${audience.organization}` : '',
    audience.resource ? `resource:${audience.resource}` : '',
  ]
    .filter(Boolean)
    .join('|');
}

export function expiresAt(tokens: TokenEndpointResponse, now: number): string {
  return new Date(now + (tokens.expires_in ?? 3600) * 1000).toISOString();
}

export function isFresh(expiry: string, now: number): boolean {
  return Date.parse(expiry) - now > refreshMarginMs;
}

/** The cached token for an audience key ('' is the session's own access token). */
export function tokenFor(session: StoredSession, key: string): AudienceToken | undefined {
  if (key === '') {
    return {
      accessToken: session.accessToken,
      tokenType: 'Bearer',
      expiresAt: session.accessTokenExpiresAt,
      scope: session.scopes,
    };
  }
  return session.audiences?.[key];
}

export interface SessionContext {
  /** Discovery, done only when a refresh is needed. */
  provider: () => Promise<ProviderContext>;
  store: SecretStore;
  profile: string;
  configDir: string;
  now: () => number;
  signal?: AbortSignal;
}

/** Memoises discovery for one command. */
export function lazyProvider(discover: () => Promise<ProviderContext>): () => Promise<ProviderContext> {
  let pending: Promise<ProviderContext> | undefined;
  return () => (pending ??= discover());
}

function notSignedIn(profile: string): HfloginError {
  return new HfloginError(`Not signed in (profile "${profile}").`, {
    code: 'not_signed_in',
    exitCode: ExitCode.notSignedIn,
    hint: 'Run hflogin login to sign in.',
  });
}

/**
 * A valid access token for `audience`, refreshing first when it expires within a minute (or when
 * `force` says the provider refused it). Refreshes happen under the profile's cross-process lock:
 * whoever waited re-reads the session first and uses the token another process just got. The
 * rotated refresh token is saved before the lock is released and before anyone uses the token.
 * A failed refresh leaves the stored session exactly as it was.
 */
export async function validToken(
  context: SessionContext,
  session: StoredSession,
  audience: Audience = {},
  force = false,
): Promise<{ session: StoredSession; token: AudienceToken }> {
  const key = audienceKey(audience);
  const cached = tokenFor(session, key);
  if (!force && cached && isFresh(cached.expiresAt, context.now())) return { session, token: cached };

  return withSessionLock(
    context.configDir,
    context.profile,
    async () => {
      const latest = await loadSession(context.store, context.profile);
      if (!latest) throw notSignedIn(context.profile);
      const current = tokenFor(latest, key);
      const changed = current?.accessToken !== cached?.accessToken;
      if (current && isFresh(current.expiresAt, context.now()) && (!force || changed)) {
        return { session: latest, token: current };
      }
      if (!latest.refreshToken) {
        throw new HfloginError(
          `The session for ${new URL(latest.endpoint).host} has expired and holds no refresh token.`,
          {
            code: 'session_expired',
            exitCode: ExitCode.notSignedIn,
            hint: 'Run hflogin login to sign in again.',
          },
        );
      }
      if (audience.organization && !latest.scopes.includes(organizationsScope)) {
        throw new HfloginError(
          `This session cannot get organization tokens: it lacks the scope ${organizationsScope}.`,
          {
            code: 'missing_scope',
            exitCode: ExitCode.failed,
            hint: `Sign in again with hflogin login --organization ${audience.organization} (or --scope ${organizationsScope}).`,
          },
        );
      }
      const provider = await context.provider();
      const parameters: Record<string, string> = {};
      if (audience.resource) parameters.resource = audience.resource;
      if (audience.organization) parameters.organization_id = audience.organization;
      const { refreshTokens } = await import('../oauth/refresh.js');
      let tokens: TokenEndpointResponse;
      try {
        tokens = await refreshTokens(provider, latest.refreshToken, parameters, context.signal);
      } catch (error) {
        if (error instanceof HfloginError && error.code === 'invalid_target' && audience.resource) {
          throw new HfloginError(`This session was not granted access to ${audience.resource}.`, {
            code: 'invalid_target',
            exitCode: ExitCode.failed,
            hint: `Sign in again with hflogin login --resource ${audience.resource}.`,
            cause: error,
          });
        }
        throw error;
      }
      const now = context.now();
      const token: AudienceToken = {
        accessToken: tokens.access_token,
        tokenType: tokens.token_type === 'bearer' ? 'Bearer' : tokens.token_type,
        expiresAt: expiresAt(tokens, now),
        scope: (tokens.scope ?? '').split(' ').filter(Boolean),
      };
      const updated = withToken(latest, key, token, tokens, now);
      await saveSession(context.store, context.profile, updated);
      return { session: updated, token };
    },
    { staleMs: 60_000, waitMs: 90_000, signal: context.signal },
  );
}

/** The session after a refresh: the rotated refresh token, and the new token in its place. */
function withToken(
  session: StoredSession,
  key: string,
  token: AudienceToken,
  tokens: TokenEndpointResponse,
  now: number,
): StoredSession {
  const audiences = Object.fromEntries(
    Object.entries(session.audiences ?? {}).filter(([, cached]) => Date.parse(cached.expiresAt) > now),
  );
  const next: StoredSession = {
    ...session,
    refreshToken: tokens.refresh_token ?? session.refreshToken,
    idToken: tokens.id_token ?? session.idToken,
    audiences,
    savedAt: new Date(now).toISOString(),
  };
  if (key === '') {
    next.accessToken = token.accessToken;
    next.accessTokenExpiresAt = token.expiresAt;
    if (token.scope.length > 0) next.scopes = token.scope;
  } else {
    audiences[key] = token;
  }
  return next;
}

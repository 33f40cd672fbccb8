import { audienceGrantParameters } from '../logto/organizations.js';
import type { ProviderContext, ProviderDeps } from '../oauth/provider.js';
import type { Audience } from './audience.js';
import type { StoredSession } from './session.js';

/** A refresh answer, its ID token already verified (signature, iss, aud, exp). */
export interface RefreshAnswer {
  accessToken: string;
  tokenType: string;
  /** Seconds, as the provider said (`expires_in`). */
  expiresIn: number | undefined;
  scope: string[];
  refreshToken: string | undefined;
  idToken: string | undefined;
  idTokenClaims: { sub: string; iss: string; aud: string | string[] } | undefined;
}

/** What a refresh needs once discovery and the signing keys are at hand. */
export interface PreparedRefresh {
  /** The tenant and app it was prepared for: a session of another one needs its own preparation. */
  endpoint: string;
  appId: string;
  /** The issuer the ID token must name (`<endpoint>/oidc`). */
  issuer: string;
  /** The refresh-token grant. Only its own request timeout ends it, never Ctrl+C. */
  refresh(refreshToken: string, audience: Audience): Promise<RefreshAnswer>;
}

/**
 * The provider side of a session, injected into the session owner (Logto's cli-auth injects
 * `refresh` and `revoke` the same way), so that the owner's every branch is tested in-process.
 */
export interface TenantProvider {
  /** Discovery and the JWKS: fetched before the lock is taken, since either may be slow. */
  prepareRefresh(session: StoredSession): Promise<PreparedRefresh>;
  /** RFC 7009 revocation of the session's refresh token (which takes the grant with it), then its access token. */
  revoke(session: StoredSession, signal: AbortSignal): Promise<void>;
  /** Discovery for the session's tenant, memoised (whoami's userinfo needs it without a refresh). */
  discover(session: StoredSession): Promise<ProviderContext>;
}

/**
 * The real provider over HTTP: oauth4webapi behind lazy imports, so that a command whose token is
 * fresh (`hflogin token` in a script's loop) never loads the OIDC client at all.
 */
export function oauthTenantProvider(deps: ProviderDeps, signal: AbortSignal): TenantProvider {
  // Per tenant and app: a session re-read under the lock may belong to the tenant's other app.
  const discovered = new Map<string, Promise<ProviderContext>>();
  const discover = async (session: StoredSession) => {
    const key = `${session.endpoint} ${session.appId}`;
    let pending = discovered.get(key);
    if (!pending) {
      pending = import('../oauth/provider.js').then(({ discover: run }) =>
        run(session.endpoint, session.appId, deps, signal),
      );
      discovered.set(key, pending);
    }
    return pending;
  };
  return {
    discover,
    async prepareRefresh(session) {
      const provider = await discover(session);
      const [{ fetchSigningKeys, refreshTokens }, { getValidatedIdTokenClaims }] = await Promise.all([
        import('../oauth/refresh.js'),
        import('oauth4webapi'),
      ]);
      const keys = await fetchSigningKeys(provider, signal);
      return {
        endpoint: session.endpoint,
        appId: session.appId,
        issuer: provider.as.issuer,
        async refresh(refreshToken, audience) {
          const parameters = audienceGrantParameters(audience);
          const tokens = await refreshTokens(provider, refreshToken, parameters, keys);
          const claims = tokens.id_token ? getValidatedIdTokenClaims(tokens) : undefined;
          return {
            accessToken: tokens.access_token,
            tokenType: tokens.token_type,
            expiresIn: tokens.expires_in,
            scope: (tokens.scope ?? '').split(' ').filter(Boolean),
            refreshToken: tokens.refresh_token,
            idToken: tokens.id_token,
            idTokenClaims: claims ? { sub: claims.sub, iss: claims.iss, aud: claims.aud } : undefined,
          };
        },
      };
    },
    async revoke(session, revokeSignal) {
      const provider = await discover(session);
      const { revokeToken } = await import('../oauth/revoke.js');
      // The refresh token first: at Logto it takes the whole grant with it, access tokens included
      // (oidc-provider lib/helpers/revoke.js). Then the access token, so that it cannot outlive a
      // refresh token whose revocation failed (for one already revoked Logto answers 200; that
      // request failing then changes nothing). A JWT access token is left alone: it is checked
      // without asking Logto, so it cannot be revoked, and oidc-provider refuses it
      // (unsupported_token_type).
      let failure: unknown;
      if (session.refreshToken) {
        await revokeToken(provider, session.refreshToken, 'refresh_token', revokeSignal).catch(
          (error: unknown) => void (failure = error),
        );
      }
      if (!isJwt(session.accessToken)) {
        await revokeToken(provider, session.accessToken, 'access_token', revokeSignal).catch(
          (error: unknown) => {
            if (!session.refreshToken) failure = error;
          },
        );
      }
      if (failure !== undefined) throw failure;
    },
  };
}

/** A JWS compact serialization (three base64url parts), as Logto's API-resource access tokens are. */
function isJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

/**
 * The new refresh token of an answer Logto sent but hflogin rejected (oauth/refresh.ts
 * RejectedRefreshAnswer), read by shape so that the session owner loads no OIDC client to ask.
 */
export function rotatedRefreshTokenOf(error: unknown): string | undefined {
  const value = (error as { rotatedRefreshToken?: unknown } | null)?.rotatedRefreshToken;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

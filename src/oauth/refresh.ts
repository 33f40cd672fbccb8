import * as oauth from 'oauth4webapi';

import { ExitCode, HfloginError } from '../io/errors.js';
import { protocolError } from './errors.js';
import type { ProviderContext } from './provider.js';

/** The provider's signing keys, fetched ahead of time: oauth4webapi's JWKS cache shape. */
export type SigningKeys = oauth.JWKSCacheInput;

/**
 * Fetches the provider's JWKS now, so that verifying a refresh answer's ID token later needs no
 * request: the refresh happens under the session lock, and only the refresh itself belongs there.
 */
export async function fetchSigningKeys(
  provider: ProviderContext,
  signal?: AbortSignal,
): Promise<SigningKeys> {
  if (!provider.as.jwks_uri) return {};
  const options = provider.request(signal);
  try {
    const response = await options[oauth.customFetch](provider.as.jwks_uri, {
      headers: { accept: 'application/json' },
      signal: options.signal,
      method: 'GET',
      body: undefined,
      redirect: 'manual',
    });
    if (response.status !== 200) throw new Error(`JWKS answered HTTP ${response.status}`);
    const jwks = (await response.json()) as oauth.JWKS;
    if (!Array.isArray(jwks?.keys)) throw new Error('the JWKS has no keys');
    return { jwks, uat: Math.floor(Date.now() / 1000) };
  } catch (error) {
    throw protocolError(error, "Fetching the provider's signing keys", provider.host);
  }
}

/**
 * The refresh-token grant. Logto rotates the refresh token on every use, so the caller must store
 * the new one before anything else uses the session. An ID token in the answer is verified like a
 * sign-in's: iss, aud, exp by processRefreshTokenResponse, the signature here (oauth4webapi leaves
 * it to validateApplicationLevelSignature), against `keys` when given.
 * `invalid_grant` means the session is over (revoked, expired, or a reused token revoked the
 * grant): exit 4, code refresh_refused.
 * `signal` is the request's own limit, never Ctrl+C: the answer carries the only copy of the
 * rotated refresh token.
 */
export async function refreshTokens(
  provider: ProviderContext,
  refreshToken: string,
  additionalParameters: Record<string, string> = {},
  keys?: SigningKeys,
): Promise<oauth.TokenEndpointResponse> {
  try {
    const response = await oauth.refreshTokenGrantRequest(
      provider.as,
      provider.client,
      oauth.None(),
      refreshToken,
      { ...provider.request(), additionalParameters },
    );
    const tokens = await oauth.processRefreshTokenResponse(provider.as, provider.client, response);
    if (tokens.id_token)
      await oauth.validateApplicationLevelSignature(provider.as, response, {
        ...provider.request(),
        ...(keys ? { [oauth.jwksCache]: keys } : {}),
      });
    return tokens;
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant') {
      throw new HfloginError(
        `The session for ${provider.host} can no longer be refreshed: Logto refused the refresh token (it was revoked or expired).`,
        {
          code: 'refresh_refused',
          exitCode: ExitCode.notSignedIn,
          hint: 'Run hflogin login to sign in again.',
          cause: error,
        },
      );
    }
    throw protocolError(error, 'Refreshing the session', provider.host);
  }
}

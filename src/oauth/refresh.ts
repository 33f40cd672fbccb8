import * as oauth from 'oauth4webapi';

import { ExitCode, HfloginError } from '../io/errors.js';
import { protocolError } from './errors.js';
import { publicClient, type ProviderContext } from './provider.js';
import { requireBearer } from './tokenType.js';
import { ErrorCode } from '../io/errorCodes.js';

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
  const options = provider.request(provider.as.jwks_uri, signal);
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
    return { jwks, uat: Math.floor(provider.now() / 1000) };
  } catch (error) {
    throw protocolError(error, "Fetching the provider's signing keys", provider.host);
  }
}

/**
 * A refresh answer Logto sent (so it has already rotated the refresh token) that hflogin could not
 * accept: a failed check, an unexpected shape. `rotatedRefreshToken` is the new refresh token from
 * that answer, when it had one: the old one is now spent, and presenting it again after Logto's 3 s
 * grace would revoke the whole grant, so the caller keeps this one (and serves nothing from the answer).
 */
export class RejectedRefreshAnswer extends HfloginError {
  constructor(
    failure: HfloginError,
    readonly rotatedRefreshToken: string | undefined,
  ) {
    super(failure.message, {
      code: failure.code,
      exitCode: failure.exitCode,
      hint: failure.hint,
      cause: failure.cause,
    });
  }
}

/** The refresh token in a token response body, read before any check can throw. */
async function rotatedTokenIn(response: Response): Promise<string | undefined> {
  if (response.status !== 200) return undefined;
  try {
    const body = (await response.clone().json()) as { refresh_token?: unknown };
    return typeof body.refresh_token === 'string' ? body.refresh_token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies the answer's ID token signature, against `keys` fetched before the lock. If Logto
 * rotated its signing key since, the prefetched set lacks the new `kid` (and oauth4webapi does
 * not fetch again within a minute): ask the JWKS once more, through a fresh copy of the metadata,
 * which oauth4webapi's per-server key cache does not know.
 */
async function verifySignature(provider: ProviderContext, response: Response, keys?: SigningKeys) {
  try {
    await oauth.validateApplicationLevelSignature(provider.as, response, {
      ...provider.request(provider.as.jwks_uri),
      ...(keys ? { [oauth.jwksCache]: keys } : {}),
    });
  } catch (error) {
    if (!keys || !(error instanceof oauth.OperationProcessingError) || error.code !== oauth.KEY_SELECTION)
      throw error;
    await oauth.validateApplicationLevelSignature(
      { ...provider.as },
      response,
      provider.request(provider.as.jwks_uri),
    );
  }
}

/**
 * The refresh-token grant. Logto rotates the refresh token on every use, so the caller must store
 * the new one before anything else uses the session. An ID token in the answer is verified like a
 * sign-in's: iss, aud, exp by processRefreshTokenResponse, the signature by verifySignature
 * (oauth4webapi leaves it to validateApplicationLevelSignature).
 * `invalid_grant` means the session is over (revoked, expired, or a reused token revoked the
 * grant): exit 4, code refresh_refused. An answer that fails a check is a RejectedRefreshAnswer.
 * The request has only its own time limit, never Ctrl+C: the answer carries the only copy of the
 * rotated refresh token.
 */
export async function refreshTokens(
  provider: ProviderContext,
  refreshToken: string,
  additionalParameters: Record<string, string> = {},
  keys?: SigningKeys,
): Promise<oauth.TokenEndpointResponse> {
  let response: Response;
  try {
    response = await oauth.refreshTokenGrantRequest(...publicClient(provider), refreshToken, {
      ...provider.request(provider.as.token_endpoint),
      additionalParameters,
    });
  } catch (error) {
    throw protocolError(error, 'Refreshing the session', provider.host);
  }
  const rotated = await rotatedTokenIn(response);
  try {
    // Bearer only (oauth/tokenType.ts): a refusal here is a RejectedRefreshAnswer like any other.
    await requireBearer(response, 'Refreshing the session', provider.host);
    const tokens = await oauth.processRefreshTokenResponse(provider.as, provider.client, response);
    if (tokens.id_token) await verifySignature(provider, response, keys);
    return tokens;
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant') {
      throw new HfloginError(
        `The session for ${provider.host} can no longer be refreshed: Logto refused the refresh token (it was revoked or expired).`,
        {
          code: ErrorCode.refreshRefused,
          exitCode: ExitCode.notSignedIn,
          hint: 'Run hflogin login to sign in again.',
          cause: error,
        },
      );
    }
    throw new RejectedRefreshAnswer(protocolError(error, 'Refreshing the session', provider.host), rotated);
  }
}

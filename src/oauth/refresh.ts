import * as oauth from 'oauth4webapi';

import { ExitCode, HfloginError } from '../io/errors.js';
import { protocolError } from './errors.js';
import type { ProviderContext } from './provider.js';

/**
 * The refresh-token grant. Logto rotates the refresh token on every use, so the caller must store
 * the new one before anything else uses the session. `invalid_grant` means the session is over
 * (revoked, expired, or a reused token revoked the grant): exit 4.
 */
export async function refreshTokens(
  provider: ProviderContext,
  refreshToken: string,
  additionalParameters: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<oauth.TokenEndpointResponse> {
  try {
    const response = await oauth.refreshTokenGrantRequest(
      provider.as,
      provider.client,
      oauth.None(),
      refreshToken,
      {
        ...provider.request(signal),
        additionalParameters,
      },
    );
    const tokens = await oauth.processRefreshTokenResponse(provider.as, provider.client, response);
    if (tokens.id_token)
      await oauth.validateApplicationLevelSignature(provider.as, response, provider.request(signal));
    return tokens;
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant') {
      throw new HfloginError(
        `The session for ${provider.host} can no longer be refreshed (it was revoked or expired).`,
        {
          code: 'session_expired',
          exitCode: ExitCode.notSignedIn,
          hint: 'Run hflogin login to sign in again.',
          cause: error,
        },
      );
    }
    throw protocolError(error, 'Refreshing the session', provider.host);
  }
}

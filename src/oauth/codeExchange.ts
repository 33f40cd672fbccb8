import * as oauth from 'oauth4webapi';

import { protocolStep } from './errors.js';
import { publicClient, type ProviderContext } from './provider.js';
import { requireBearer } from './tokenType.js';

export interface ExchangeInput {
  /** The callback's parameters, already checked by validateAuthResponse (state, iss, error). */
  callbackParams: URLSearchParams;
  redirectUri: string;
  codeVerifier: string;
  nonce: string;
}

export interface VerifiedTokens {
  tokens: oauth.TokenEndpointResponse;
  claims: oauth.IDToken;
}

/**
 * Code + PKCE verifier → tokens, Bearer only (oauth/tokenType.ts); the ID token verified: iss, aud, exp, iat and nonce by
 * processAuthorizationCodeResponse, and its signature against the provider's JWKS, which
 * oauth4webapi leaves to validateApplicationLevelSignature.
 */
export async function exchangeCode(
  provider: ProviderContext,
  input: ExchangeInput,
  signal?: AbortSignal,
): Promise<VerifiedTokens> {
  return protocolStep('The code exchange', provider.host, async () => {
    const response = await oauth.authorizationCodeGrantRequest(
      ...publicClient(provider),
      input.callbackParams,
      input.redirectUri,
      input.codeVerifier,
      provider.request(provider.as.token_endpoint, signal),
    );
    await requireBearer(response, 'The code exchange', provider.host);
    const tokens = await oauth.processAuthorizationCodeResponse(provider.as, provider.client, response, {
      expectedNonce: input.nonce,
      requireIdToken: true,
    });
    await oauth.validateApplicationLevelSignature(
      provider.as,
      response,
      provider.request(provider.as.jwks_uri, signal),
    );
    return { tokens, claims: oauth.getValidatedIdTokenClaims(tokens)! };
  });
}

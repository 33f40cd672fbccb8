import * as oauth from 'oauth4webapi';

import { protocolError } from './errors.js';
import type { ProviderContext } from './provider.js';

/**
 * Token revocation (RFC 7009) as a public client: client_id in the body. Revoking Logto's refresh
 * token revokes the whole grant, access tokens included.
 */
export async function revokeToken(
  provider: ProviderContext,
  token: string,
  hint: 'refresh_token' | 'access_token',
  signal?: AbortSignal,
): Promise<void> {
  try {
    const response = await oauth.revocationRequest(provider.as, provider.client, oauth.None(), token, {
      ...provider.request(signal),
      additionalParameters: { token_type_hint: hint },
    });
    await oauth.processRevocationResponse(response);
  } catch (error) {
    throw protocolError(error, 'Revoking the session', provider.host);
  }
}

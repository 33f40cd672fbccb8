import * as oauth from 'oauth4webapi';

import { protocolStep } from './errors.js';
import { publicClient, type ProviderContext } from './provider.js';

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
  await protocolStep('Revoking the session', provider.host, async () => {
    const response = await oauth.revocationRequest(...publicClient(provider), token, {
      ...provider.request(provider.as.revocation_endpoint, signal),
      additionalParameters: { token_type_hint: hint },
    });
    await oauth.processRevocationResponse(response);
  });
}

import * as oauth from 'oauth4webapi';

import { protocolError } from './errors.js';
import type { ProviderContext } from './provider.js';

export type Userinfo = oauth.UserInfoResponse;

/** Userinfo (Logto's /oidc/me) for the given subject; a different `sub` is refused. */
export async function fetchUserinfo(
  provider: ProviderContext,
  accessToken: string,
  expectedSubject: string,
  signal?: AbortSignal,
): Promise<Userinfo> {
  try {
    const response = await oauth.userInfoRequest(
      provider.as,
      provider.client,
      accessToken,
      provider.request(signal),
    );
    return await oauth.processUserInfoResponse(provider.as, provider.client, expectedSubject, response);
  } catch (error) {
    throw protocolError(error, 'Reading your profile', provider.host);
  }
}

import { huggingFaceIdentity, userSummary } from '../../logto/profile.js';
import type { Userinfo } from '../../oauth/userinfo.js';
import { tokenTimes } from '../../session/freshness.js';
import type { StoredSession } from '../../session/session.js';
import type { SignInResult } from '../../signIn/signInResult.js';

/**
 * The session a sign-in gives: its tokens, the person's userinfo, the API resources it asked for
 * (`--resource`), and when (`now`, ms since the epoch).
 */
export function sessionFromSignIn(
  result: SignInResult,
  userinfo: Userinfo,
  endpoint: string,
  resources: readonly string[],
  now: number,
): StoredSession {
  const { tokens } = result;
  const times = tokenTimes(now, tokens.expires_in);
  return {
    schemaVersion: 1,
    endpoint,
    appId: String(result.provider.client.client_id),
    accessToken: tokens.access_token,
    accessTokenExpiresAt: times.expiresAt,
    accessTokenIssuedAt: times.issuedAt,
    refreshToken: tokens.refresh_token,
    idToken: tokens.id_token,
    scopes: (tokens.scope ?? '').split(' ').filter(Boolean),
    user: userSummary(userinfo),
    huggingface: huggingFaceIdentity(userinfo),
    userinfoEndpoint: result.provider.as.userinfo_endpoint,
    resources: [...resources],
    savedAt: new Date(now).toISOString(),
  };
}

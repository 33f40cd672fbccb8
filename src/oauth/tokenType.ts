import { ErrorCode } from '../io/errorCodes.js';
import { ExitCode, HfloginError } from '../io/errors.js';

/**
 * Only Bearer tokens (RFC 6750) are accepted from the token endpoint: hflogin stores an access token
 * and hands it out (`hflogin token`) to be sent as `Authorization: Bearer`, which a sender-bound
 * token (DPoP, MAC) must never be, and which only works for a Bearer token anyway. oauth4webapi
 * accepts `dpop` as well as `bearer` (processGenericAccessTokenResponse), so the check is ours; it
 * reads the raw answer first, so a missing token_type is named too. Logto issues Bearer tokens
 * (DPoP is not enabled in its oidc-provider configuration, packages/core/src/oidc/init.ts).
 * RFC 6749 §5.1: the value is case-insensitive.
 */
export async function requireBearer(response: Response, action: string, host: string): Promise<void> {
  if (response.status !== 200) return;
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    // Not JSON: oauth4webapi's own checks say so.
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const tokenType = (body as { token_type?: unknown }).token_type;
  if (typeof tokenType === 'string' && tokenType.toLowerCase() === 'bearer') return;
  const given =
    tokenType === undefined
      ? 'no token_type'
      : `token_type ${JSON.stringify(String(tokenType)).slice(0, 40)}`;
  throw new HfloginError(
    `${action}: ${host} answered with ${given}; hflogin accepts only Bearer tokens, so the answer was not used.`,
    {
      code: ErrorCode.verificationFailed,
      exitCode: ExitCode.failed,
      hint: 'Logto issues Bearer tokens; a DPoP- or MAC-bound token cannot be stored or sent as one. Check that the endpoint is a Logto tenant.',
    },
  );
}

import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * Logto's English messages for oidc-provider's errors (packages/phrases/src/locales/en/errors/oidc.ts),
 * for the codes a client of the emulator meets; the rest get Logto's fallback.
 */
const messages: Record<string, string> = {
  invalid_request: 'Request is invalid.',
  invalid_grant: 'Grant request is invalid.',
  invalid_token: 'Invalid token provided.',
  invalid_redirect_uri: "`redirect_uri` did not match any of the client's registered `redirect_uris`.",
  access_denied: 'Access denied.',
  invalid_target: 'Invalid resource indicator.',
  unsupported_grant_type: 'Unsupported `grant_type` requested.',
  unsupported_response_mode: 'Unsupported `response_mode` requested.',
  unsupported_response_type: 'Unsupported `response_type` requested.',
  server_error: 'An unknown OIDC error occurred. Please try again later.',
};

/** Logto's isSessionNotFound: such errors are `session.not_found`, not `oidc.<error>`. */
function isSessionNotFound(description: unknown): boolean {
  return (
    typeof description === 'string' &&
    ((description.includes('session') && description.includes('not found')) ||
      description.includes('authorization request has expired'))
  );
}

/**
 * What Logto's koaOidcErrorHandler (packages/core/src/middleware/koa-oidc-error-handler.ts) does to
 * every oidc-provider error body of status 400 and above: `code` (`oidc.<error>`) and a `message`
 * first (and `error_uri` for invalid_grant), then the OAuth `error` and `error_description` as they were (seen on a real Logto 1.42:
 * `{"code":"oidc.invalid_client","message":"An OIDC error occurred: oidc.invalid_client.","error":…}`).
 * Logto skips it for `?parse_error=false`.
 */
export function addLogtoErrorFields(ctx: KoaContextWithOIDC): void {
  if (ctx.status < 400 || ctx.query.parse_error === 'false') return;
  const body = ctx.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || Buffer.isBuffer(body) || typeof body.error !== 'string') return;
  const code = isSessionNotFound(body.error_description) ? 'session.not_found' : `oidc.${body.error}`;
  const message =
    code === 'session.not_found'
      ? 'Session not found. Please go back and sign in again.'
      : (messages[body.error] ?? `An OIDC error occurred: ${code}.`);
  // Logto's errorUris: only invalid_grant has one.
  const uri = body.error === 'invalid_grant' ? { error_uri: 'https://openid.sh/debug/invalid_grant' } : {};
  ctx.body = { code, message, ...uri, ...body };
}

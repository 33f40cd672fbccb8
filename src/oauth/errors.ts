import { ExitCode, HfloginError, unexpectedError } from '../io/errors.js';
import { ProxyFailure } from '../io/proxyFailure.js';
import { interrupted } from '../io/wait.js';
import { ErrorCode } from '../io/errorCodes.js';

const tlsCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && !code.startsWith('OAUTH_')) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * What to do about each OAuth error a provider may answer (RFC 6749 §4.1.2.1 and §5.2, RFC 8628
 * §3.5, RFC 8707, OIDC Core §3.1.2.6), as Logto uses them; the code itself is passed through as the
 * error's `code`, so each needs its own hint here.
 */
const oauthHints: Record<string, string> = {
  access_denied:
    'Nothing was saved. Run hflogin login again and allow the sign-in if you meant to (at Hugging Face and on the consent page).',
  invalid_client:
    'Logto does not know this app ID: compare hflogin config get app-id (device-app-id for --device) with the App ID in Logto Console → Applications.',
  unauthorized_client:
    'This app may not use this grant: browser sign-in needs a Native app, --device an app of the "device flow" kind (Logto Console → Applications).',
  unsupported_grant_type:
    'This app may not use this grant: browser sign-in needs a Native app, --device an app of the "device flow" kind (Logto Console → Applications).',
  invalid_redirect_uri: `Add the redirect URI http://127.0.0.1/callback to your Native app in Logto Console → Applications (any port matches).`,
  redirect_uri_mismatch: `Add the redirect URI http://127.0.0.1/callback to your Native app in Logto Console → Applications (any port matches).`,
  invalid_grant:
    'The code or token is no longer valid (used, expired or revoked): run hflogin login to sign in again.',
  invalid_scope: 'Logto refused a scope: check the --scope values (the defaults are always accepted).',
  invalid_target:
    'Check --resource: it must be the identifier of an API resource in Logto Console → API resources, granted to this sign-in.',
  invalid_request:
    'Logto refused the request as malformed: check --scope, --resource, --organization and --prompt, and run again with --debug to see it.',
  login_required: 'Run hflogin login without --prompt none: Logto needs you to sign in.',
  consent_required: 'Run hflogin login without --prompt none: Logto needs your consent.',
  interaction_required: 'Run hflogin login without --prompt none: Logto needs you on its pages.',
  server_error: 'The provider is having trouble; try again in a moment.',
  temporarily_unavailable: 'The provider is having trouble; try again in a moment.',
};

/** The hint for an OAuth error code the provider answered (any code has one). */
export function oauthErrorHint(code: string | undefined): string {
  return (
    (code && Object.hasOwn(oauthHints, code) ? oauthHints[code] : undefined) ??
    `The provider refused${code ? ` with "${code}"` : ''}; run again with --debug to see the request, and check the tenant's settings in Logto Console.`
  );
}

/** The URL and status of the answer an oauth4webapi error is about (its `cause` is that Response). */
function answerOf(
  error: OAuthError,
  host: string,
): { where: string; status: number | undefined; type: string } {
  const response = error.cause instanceof Response ? error.cause : undefined;
  let where = host;
  if (response?.url) {
    const url = new URL(response.url);
    where = `${url.origin}${url.pathname}`;
  }
  return {
    where,
    status: response?.status,
    type: response?.headers.get('content-type')?.split(';')[0] ?? '',
  };
}

/** A proxy failure anywhere in the chain of causes. */
function proxyFailureIn(error: unknown): ProxyFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    if (current instanceof ProxyFailure) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** oauth4webapi's error codes (its exported constants), matched without loading the library. */
interface OAuthError extends Error {
  code: string;
  error?: string;
  error_description?: string;
  status?: number;
}
const isOAuthError = (error: unknown, code?: string): error is OAuthError => {
  const value = (error as { code?: unknown } | null)?.code;
  return typeof value === 'string' && (code ? value === code : value.startsWith('OAUTH_'));
};

/**
 * Turns what a protocol step threw into an HfloginError: network trouble is exit 5, a refusal or a
 * failed verification exit 1 (callers turn invalid_grant on refresh into exit 4 themselves).
 */
export function protocolError(error: unknown, action: string, host: string): HfloginError {
  if (error instanceof HfloginError) return error;
  // The provider is there but failing (5xx, with or without an OAuth error body): like being down.
  const status = isOAuthError(error)
    ? (error.status ?? (error.cause as { status?: unknown } | undefined)?.status)
    : undefined;
  if (typeof status === 'number' && status >= 500) {
    const detail = isOAuthError(error, 'OAUTH_RESPONSE_BODY_ERROR') && error.error ? `, ${error.error}` : '';
    return new HfloginError(`${action}: ${host} answered HTTP ${status}${detail}.`, {
      code: ErrorCode.providerUnavailable,
      exitCode: ExitCode.network,
      hint: 'The provider is having trouble; try again in a moment.',
      cause: error,
    });
  }
  if (isOAuthError(error, 'OAUTH_RESPONSE_BODY_ERROR')) {
    const description = error.error_description ? `: ${error.error_description}` : '';
    return new HfloginError(`${action} was refused by ${host}: ${error.error}${description}`, {
      code: error.error ?? ErrorCode.providerError,
      exitCode: ExitCode.failed,
      hint: oauthErrorHint(error.error),
      cause: error,
    });
  }
  if (isOAuthError(error, 'OAUTH_AUTHORIZATION_RESPONSE_ERROR')) {
    const description = error.error_description ? ` (${error.error_description})` : '';
    return new HfloginError(`${action} was refused: ${error.error}${description}`, {
      code: error.error ?? ErrorCode.providerError,
      exitCode: ExitCode.failed,
      hint: oauthErrorHint(error.error),
      cause: error,
    });
  }
  if (isOAuthError(error, 'OAUTH_WWW_AUTHENTICATE_CHALLENGE')) {
    return new HfloginError(`${action} was refused by ${host} (HTTP ${error.status}).`, {
      code: error.status === 401 ? ErrorCode.tokenRefused : ErrorCode.unauthorized,
      exitCode: ExitCode.failed,
      hint:
        error.status === 401
          ? "The token is not accepted (revoked, or this machine's clock is far off): run hflogin login to sign in again."
          : 'The session lacks a permission this needs: sign in again with hflogin login (with the --scope, --resource or --organization it needs).',
      cause: error,
    });
  }
  // oauth4webapi's "\"response\" is not a conform … response (unexpected HTTP status code)" and
  // "… must be application/json": say which URL answered what.
  if (
    isOAuthError(error, 'OAUTH_RESPONSE_IS_NOT_CONFORM') ||
    isOAuthError(error, 'OAUTH_RESPONSE_IS_NOT_JSON')
  ) {
    const { where, status, type } = answerOf(error, host);
    const what =
      error.code === 'OAUTH_RESPONSE_IS_NOT_JSON'
        ? `with ${type || 'a body'} where JSON was expected`
        : 'which is not an answer OAuth allows there';
    return new HfloginError(`${action}: ${where} answered${status ? ` HTTP ${status}` : ''}, ${what}.`, {
      code: ErrorCode.verificationFailed,
      exitCode: ExitCode.failed,
      hint: 'Check that the endpoint is your Logto tenant and that no proxy or gateway answers in its place (hflogin doctor checks the tenant); nothing was saved.',
      cause: error,
    });
  }
  if (isOAuthError(error, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED')) {
    // Say how far apart the token's time and this machine's clock are: a wrong clock is the usual
    // cause of valid tokens looking expired.
    const { claims, now } = (error.cause ?? {}) as { claims?: { iat?: number }; now?: number };
    const offsetMinutes =
      typeof claims?.iat === 'number' && typeof now === 'number'
        ? Math.round((claims.iat - now) / 60)
        : undefined;
    const offset =
      offsetMinutes === undefined
        ? ''
        : ` (the token was issued ${Math.abs(offsetMinutes)} minute${Math.abs(offsetMinutes) === 1 ? '' : 's'} ${offsetMinutes < 0 ? 'before' : 'after'} this machine's time)`;
    return new HfloginError(`${action} failed verification: ${error.message}${offset}`, {
      code: ErrorCode.verificationFailed,
      exitCode: ExitCode.failed,
      hint: "Check this machine's clock (a few minutes of difference are tolerated); nothing was saved.",
      cause: error,
    });
  }
  if (isOAuthError(error)) {
    return new HfloginError(`${action} failed verification: ${error.message}`, {
      code: ErrorCode.verificationFailed,
      exitCode: ExitCode.failed,
      hint: 'The provider answered something hflogin will not trust; nothing was saved.',
      cause: error,
    });
  }
  const name = (error as { name?: string }).name;
  // Ctrl+C aborts requests in flight through the CLI's signal.
  if (name === 'AbortError') return interrupted();
  const proxy = proxyFailureIn(error);
  if (proxy) {
    const what =
      proxy.status === undefined
        ? `cannot connect to the proxy ${proxy.proxy} (from ${proxy.variable}): ${proxy.reason}`
        : proxy.status === 407
          ? `the proxy ${proxy.proxy} (from ${proxy.variable}) wants credentials (HTTP 407)`
          : `the proxy ${proxy.proxy} (from ${proxy.variable}) could not open a tunnel to ${host} (HTTP ${proxy.status})`;
    return new HfloginError(`${action}: ${what}; ${host} was not reached.`, {
      code: ErrorCode.network,
      exitCode: ExitCode.network,
      hint:
        proxy.status === 407
          ? `Put the proxy's user and password in ${proxy.variable} (http://user:password@host:port).`
          : proxy.status === undefined
            ? `Check that the proxy is running and that ${proxy.variable} names it, or unset ${proxy.variable} to connect directly (NO_PROXY lists hosts that bypass it).`
            : `The proxy could not reach ${host}: check that the proxy allows it, or add ${host} to NO_PROXY to connect directly.`,
      cause: error,
    });
  }
  if (name === 'TimeoutError') {
    return new HfloginError(`${action}: ${host} did not answer in time.`, {
      code: ErrorCode.networkTimeout,
      exitCode: ExitCode.network,
      hint: 'Check your connection (and HTTPS_PROXY), then try again.',
      cause: error,
    });
  }
  const code = causeCode(error);
  if (code && tlsCodes.has(code)) {
    return new HfloginError(`${action}: the TLS certificate of ${host} is not trusted (${code}).`, {
      code: ErrorCode.tlsUntrusted,
      exitCode: ExitCode.network,
      hint: 'If a proxy or private CA signs it, point NODE_EXTRA_CA_CERTS at that CA certificate (PEM).',
      cause: error,
    });
  }
  if (error instanceof TypeError || code) {
    return new HfloginError(`${action}: cannot reach ${host}${code ? ` (${code})` : ''}.`, {
      code: ErrorCode.network,
      exitCode: ExitCode.network,
      hint: 'Check the endpoint, your connection and HTTPS_PROXY/NO_PROXY, then try again.',
      cause: error,
    });
  }
  return unexpectedError(
    `${action} failed: ${error instanceof Error ? error.message : String(error)}`,
    error,
  );
}

/** Runs one protocol step against the provider, its failures turned into HfloginErrors by protocolError. */
export async function protocolStep<T>(action: string, host: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw protocolError(error, action, host);
  }
}

import { ExitCode, HfloginError } from '../io/errors.js';
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
      cause: error,
    });
  }
  if (isOAuthError(error, 'OAUTH_AUTHORIZATION_RESPONSE_ERROR')) {
    const description = error.error_description ? ` (${error.error_description})` : '';
    return new HfloginError(`${action} was refused: ${error.error}${description}`, {
      code: error.error ?? ErrorCode.providerError,
      exitCode: ExitCode.failed,
      cause: error,
    });
  }
  if (isOAuthError(error, 'OAUTH_WWW_AUTHENTICATE_CHALLENGE')) {
    return new HfloginError(`${action} was refused by ${host} (HTTP ${error.status}).`, {
      code: error.status === 401 ? ErrorCode.tokenRefused : ErrorCode.unauthorized,
      exitCode: ExitCode.failed,
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
  return new HfloginError(`${action} failed: ${error instanceof Error ? error.message : String(error)}`, {
    code: ErrorCode.unexpected,
    exitCode: ExitCode.failed,
    cause: error,
  });
}

/** Runs one protocol step against the provider, its failures turned into HfloginErrors by protocolError. */
export async function protocolStep<T>(action: string, host: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw protocolError(error, action, host);
  }
}

import { isLoopback } from '../config/endpoint.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import type { HttpClient } from '../io/httpClient.js';
import { protocolError } from './errors.js';

function tokenRefused(host: string): HfloginError {
  return new HfloginError(`Reading your profile was refused by ${host}: the access token is not accepted.`, {
    code: 'token_refused',
    exitCode: ExitCode.failed,
  });
}

/**
 * Userinfo at a known endpoint without discovery or the OIDC client library, for `whoami` with a
 * valid token: a GET with the bearer token whose JSON answer must be about `expectedSubject`
 * (OIDC Core §5.3.2). Returns undefined where it does not apply (a proxy is configured), so the
 * caller takes the full path.
 */
export async function fetchUserinfoDirect(
  userinfoEndpoint: string,
  accessToken: string,
  expectedSubject: string,
  options: { http: HttpClient; signal?: AbortSignal },
): Promise<Record<string, unknown> | undefined> {
  const url = new URL(userinfoEndpoint);
  if (url.protocol !== 'https:' && !isLoopback(url)) return undefined;
  const timeout = AbortSignal.timeout(options.http.timeoutMs);
  let response;
  try {
    response = await options.http.request(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
  } catch (error) {
    throw protocolError(error, 'Reading your profile', url.host);
  }
  if (response.status === 401) throw tokenRefused(url.host);
  if (response.status >= 500) {
    throw new HfloginError(`Reading your profile: ${url.host} answered HTTP ${response.status}.`, {
      code: 'provider_unavailable',
      exitCode: ExitCode.network,
      hint: 'The provider is having trouble; try again in a moment.',
    });
  }
  if (response.status !== 200) {
    throw new HfloginError(`Reading your profile was refused by ${url.host} (HTTP ${response.status}).`, {
      code: 'userinfo_failed',
      exitCode: ExitCode.failed,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(response.body.toString('utf8'));
  } catch (cause) {
    throw new HfloginError(`${url.host} answered userinfo with something that is not JSON.`, {
      code: 'verification_failed',
      exitCode: ExitCode.failed,
      cause,
    });
  }
  if (typeof body !== 'object' || body === null || (body as { sub?: unknown }).sub !== expectedSubject) {
    throw new HfloginError(`${url.host} answered userinfo about someone else (unexpected "sub").`, {
      code: 'verification_failed',
      exitCode: ExitCode.failed,
    });
  }
  return body as Record<string, unknown>;
}

/** Whether a failure means the access token itself was refused (so a refresh may help). */
export function isTokenRefused(error: unknown): boolean {
  return error instanceof HfloginError && error.code === 'token_refused';
}

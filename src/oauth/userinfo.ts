import { ExitCode, HfloginError } from '../io/errors.js';
import type { HttpClient } from '../io/httpClient.js';
import { protocolError } from './errors.js';
import { getWithTimeout, jsonObjectOf } from './get.js';
import { providerUrlProblem } from './providerUrls.js';
import { ErrorCode } from '../io/errorCodes.js';

/** Userinfo's answer: Logto's claims about the user (see logto/profile.ts). */
export type Userinfo = Record<string, unknown>;

const action = 'Reading your profile';

function verificationFailed(message: string): HfloginError {
  return new HfloginError(message, {
    code: ErrorCode.verificationFailed,
    exitCode: ExitCode.failed,
    hint: 'The provider answered something hflogin will not trust; check that the endpoint is your Logto tenant.',
  });
}

/**
 * Userinfo (Logto's /oidc/me) for the given subject, for `login` and `whoami`: a GET with the bearer
 * token whose JSON answer must be about `expectedSubject` (OIDC Core §5.3.2). Hand-written on
 * purpose, not oauth4webapi's userInfoRequest: with the endpoint cached in the session
 * (`userinfoEndpoint`, from discovery at sign-in), `whoami` needs neither discovery nor the OIDC
 * client library, and not loading oauth4webapi is a measured part of its start-up time.
 * 401 is token_refused (exit 1; the caller may refresh and ask again), 5xx provider_unavailable
 * (exit 5), any other status userinfo_failed (exit 1); an answer about someone else, or not JSON,
 * verification_failed.
 */
export async function fetchUserinfo(
  userinfoEndpoint: string | undefined,
  accessToken: string,
  expectedSubject: string,
  options: { http: HttpClient; signal?: AbortSignal; tenant: string },
): Promise<Userinfo> {
  if (!userinfoEndpoint)
    throw verificationFailed('The provider names no userinfo endpoint in its discovery.');
  // Checked at discovery (oauth/providerUrls.ts); again here, by the same rule, for an endpoint read
  // back from a session (one saved by an older hflogin may name any URL): never http from https.
  const problem = providerUrlProblem('userinfo_endpoint', userinfoEndpoint, options.tenant);
  if (problem) throw verificationFailed(`Refusing to send the access token to ${problem}.`);
  const url = new URL(userinfoEndpoint);
  let response;
  try {
    response = await getWithTimeout(
      options.http,
      url,
      { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      options.signal,
    );
  } catch (error) {
    throw protocolError(error, action, url.host);
  }
  if (response.status === 401) {
    throw new HfloginError(`${action} was refused by ${url.host}: the access token is not accepted.`, {
      code: ErrorCode.tokenRefused,
      exitCode: ExitCode.failed,
      hint: "It was revoked, or this machine's clock is far off; run hflogin login to sign in again.",
    });
  }
  if (response.status >= 500) {
    throw new HfloginError(`${action}: ${url.href} answered HTTP ${response.status}.`, {
      code: ErrorCode.providerUnavailable,
      exitCode: ExitCode.network,
      hint: 'The provider is having trouble; try again in a moment.',
    });
  }
  if (response.status !== 200) {
    throw new HfloginError(`${action} failed: ${url.href} answered HTTP ${response.status}.`, {
      code: ErrorCode.userinfoFailed,
      exitCode: ExitCode.failed,
      hint: 'Check that the endpoint is your Logto tenant; run again with --debug to see the request.',
    });
  }
  const body = jsonObjectOf(response);
  if (!body) throw verificationFailed(`${url.host} answered userinfo with something that is not JSON.`);
  if (body.sub !== expectedSubject) {
    throw verificationFailed(`${url.host} answered userinfo about someone else (unexpected "sub").`);
  }
  return body;
}

/** Whether a failure means the access token itself was refused (so a refresh may help). */
export function isTokenRefused(error: unknown): boolean {
  return error instanceof HfloginError && error.code === ErrorCode.tokenRefused;
}

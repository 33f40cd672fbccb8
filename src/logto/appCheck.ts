import { ExitCode, HfloginError } from '../io/errors.js';
import { ErrorCode } from '../io/errorCodes.js';
import type { HttpClient } from '../io/httpClient.js';
import type { RawResponse } from '../io/rawRequest.js';
import { interrupted } from '../io/wait.js';

/**
 * Asking Logto whether an app ID (and, for the browser sign-in, this sign-in's redirect URI) is
 * right, before any browser opens, without creating anything at Logto.
 *
 * The browser's app: `GET /oidc/auth` with `response_type` set to a value no server supports.
 * oidc-provider's authorization chain (lib/actions/authorization/index.js) checks the client
 * (check_client.js: unknown → `invalid_client`) before the response type (check_response_type.js:
 * `unsupported_response_type`), and its error handler (lib/shared/authorization_error_handler.js)
 * checks the redirect URI "ad acta" before trusting it with any error (not registered →
 * `invalid_redirect_uri`): both are rendered as a 400 JSON body (Logto's `renderError` in
 * packages/core/src/oidc/init.ts, plus `code` and `message` from
 * packages/core/src/middleware/koa-oidc-error-handler.ts). Only when both are right is the error
 * redirected to the redirect URI (303, `error=unsupported_response_type`). All of it happens before
 * the `interactions` step, so no interaction (or cookie) is created. Loopback redirect URIs match on
 * any port for Native apps (packages/core/src/oidc/redirect-uri), on the exact port for SPAs, which
 * is why the check is made with this sign-in's own redirect URI, port and all.
 *
 * The device-flow app: `POST /oidc/device/auth` with a malformed `resource`. The device
 * authorization checks the client (`invalid_client`), then that it may use the device flow
 * (check_client_grant_type.js: `invalid_request` "…device_code is not allowed for this client"),
 * then the resource (shared/check_resource.js: `invalid_target`), before a device code is made
 * (device_authorization_response.js).
 *
 * Both seen on a real Logto 1.42: the exact answers are in test/logto/paired.test.ts.
 */

/** What Logto said about an app. */
export type AppCheck =
  | { verdict: 'accepted' }
  /** No app has this ID (`invalid_client`). */
  | { verdict: 'unknown-app' }
  /** The app does not register this redirect URI (`invalid_redirect_uri`). */
  | { verdict: 'redirect-uri-refused' }
  /** The app exists but may not use the device flow (or needs a client secret). */
  | { verdict: 'not-device-app' }
  /** Anything else (a 5xx, the network, an answer of another shape): no conclusion. */
  | { verdict: 'unclear'; detail: string };

/** A response_type no server supports (and without "token", which would select the fragment mode). */
export const unsupportedResponseType = 'hflogin-app-check';

/** A resource indicator that is not an absolute URI: Logto refuses it before making a device code. */
export const malformedResource = 'not-a-url';

/**
 * The checks are advice, not part of the sign-in: a slow tenant should not hold it up for the whole
 * request timeout (HFLOGIN_HTTP_TIMEOUT, 30 s), and a check that does not answer in time is unclear.
 */
const checkTimeoutMs = 5_000;

/** The browser-app check's request: the authorization endpoint with the app ID and redirect URI. */
export function authorizationCheckUrl(
  authorizationEndpoint: string,
  clientId: string,
  redirectUri: string,
): URL {
  const url = new URL(authorizationEndpoint);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', unsupportedResponseType);
  url.searchParams.set('scope', 'openid');
  url.searchParams.set('state', 'x');
  return url;
}

/** The device-app check's form body. */
export function deviceCheckBody(clientId: string): string {
  return new URLSearchParams({
    client_id: clientId,
    scope: 'openid',
    resource: malformedResource,
  }).toString();
}

function header(response: RawResponse, name: string): string | undefined {
  for (let i = 0; i < response.rawHeaders.length; i += 2) {
    if (response.rawHeaders[i]!.toLowerCase() === name) return response.rawHeaders[i + 1];
  }
  return undefined;
}

function oauthErrorOf(response: RawResponse): { error?: string; description?: string } {
  try {
    const body = JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;
    return {
      error: typeof body.error === 'string' ? body.error : undefined,
      description: typeof body.error_description === 'string' ? body.error_description : undefined,
    };
  } catch {
    return {};
  }
}

function unclearAnswer(response: RawResponse, error: string | undefined): AppCheck {
  return { verdict: 'unclear', detail: `HTTP ${response.status}${error ? ` ${error}` : ''}` };
}

/** What the authorization endpoint's answer to the check means. */
export function readAuthorizationCheck(response: RawResponse, redirectUri: string): AppCheck {
  const location = header(response, 'location');
  if (response.status >= 300 && response.status < 400 && location) {
    // oidc-provider redirects an error only to a redirect URI it has accepted for this client:
    // whatever the error, reaching ours means the app ID and the redirect URI are right.
    let target: URL;
    try {
      target = new URL(location);
    } catch {
      return { verdict: 'unclear', detail: `HTTP ${response.status} to an unreadable location` };
    }
    const expected = new URL(redirectUri);
    return target.origin === expected.origin && target.pathname === expected.pathname
      ? { verdict: 'accepted' }
      : { verdict: 'unclear', detail: `HTTP ${response.status} to ${target.origin}${target.pathname}` };
  }
  const { error } = oauthErrorOf(response);
  if (response.status === 400 && error === 'invalid_client') return { verdict: 'unknown-app' };
  if (response.status === 400 && error === 'invalid_redirect_uri') return { verdict: 'redirect-uri-refused' };
  return unclearAnswer(response, error);
}

/** What the device authorization endpoint's answer to the check means. */
export function readDeviceCheck(response: RawResponse): AppCheck {
  // 200: a server that issued a code anyway (it expires unused); the app may use the device flow.
  if (response.status === 200) return { verdict: 'accepted' };
  const { error, description = '' } = oauthErrorOf(response);
  if (error === 'invalid_target') return { verdict: 'accepted' };
  // "client authentication failed": the app exists but wants a secret (a web or M2M app).
  if (error === 'invalid_client')
    return /authentication/i.test(description) ? { verdict: 'not-device-app' } : { verdict: 'unknown-app' };
  if ((error === 'invalid_request' || error === 'unauthorized_client') && /not allowed/i.test(description))
    return { verdict: 'not-device-app' };
  return unclearAnswer(response, error);
}

async function ask(
  http: HttpClient,
  url: URL,
  init: { method?: string; headers: Record<string, string>; body?: string },
  signal: AbortSignal | undefined,
): Promise<RawResponse | { unclear: string }> {
  const timeout = AbortSignal.timeout(Math.min(http.timeoutMs, checkTimeoutMs));
  try {
    // HttpClient.request never follows a redirect: the check's answer is the redirect itself
    // (following it would knock on this sign-in's own loopback listener).
    return await http.request(url, {
      ...init,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    if (signal?.aborted) throw interrupted();
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const reason = timeout.aborted
      ? `no answer within ${checkTimeoutMs / 1000} s`
      : typeof cause?.code === 'string'
        ? cause.code
        : error instanceof Error
          ? error.message
          : String(error);
    return { unclear: reason };
  }
}

/** Checks the browser sign-in's app ID and redirect URI (see the top of this file). */
export async function checkAuthorizationApp(
  http: HttpClient,
  app: { authorizationEndpoint: string; clientId: string; redirectUri: string },
  signal?: AbortSignal,
): Promise<AppCheck> {
  const answer = await ask(
    http,
    authorizationCheckUrl(app.authorizationEndpoint, app.clientId, app.redirectUri),
    { headers: { accept: 'application/json' } },
    signal,
  );
  return 'unclear' in answer
    ? { verdict: 'unclear', detail: answer.unclear }
    : readAuthorizationCheck(answer, app.redirectUri);
}

/** Checks that an app ID is a device-flow app (see the top of this file). */
export async function checkDeviceApp(
  http: HttpClient,
  app: { deviceAuthorizationEndpoint: string; clientId: string },
  signal?: AbortSignal,
): Promise<AppCheck> {
  const answer = await ask(
    http,
    new URL(app.deviceAuthorizationEndpoint),
    {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: deviceCheckBody(app.clientId),
    },
    signal,
  );
  return 'unclear' in answer ? { verdict: 'unclear', detail: answer.unclear } : readDeviceCheck(answer);
}

/** Where a loopback redirect URI is registered: Logto matches it on any port for Native apps. */
export function registrableRedirectUri(redirectUri: string): string {
  const url = new URL(redirectUri);
  return `${url.protocol}//${url.hostname}${url.pathname}`;
}

/** Where the Console shows an app's ID. */
const appIdWhere = 'Logto Console → Applications → your app → "App ID"';

/**
 * The error for an app Logto refused, with the exact fix; undefined when the check found nothing
 * wrong (or could not tell). Exit 2: the configuration is wrong, and nothing was started.
 */
export function appCheckFailure(
  check: AppCheck,
  app: { host: string; clientId: string; redirectUri?: string; kind: 'native' | 'device' },
): HfloginError | undefined {
  const id = `"${app.clientId}"`;
  const device = app.kind === 'device';
  const useIt = device
    ? 'then hflogin login --device --device-app-id <App ID> (or hflogin config set device-app-id <App ID>)'
    : 'then hflogin login --app-id <App ID> (or hflogin config set app-id <App ID>)';
  switch (check.verdict) {
    case 'unknown-app':
      return new HfloginError(`${app.host} has no app with the ID ${id} (Logto answered invalid_client).`, {
        code: ErrorCode.appNotFound,
        exitCode: ExitCode.usage,
        hint: device
          ? `Use the App ID of your device-flow app (${appIdWhere}; create one of the "Device flow" kind if there is none), ${useIt}.`
          : `Use the App ID of your Native app (${appIdWhere}), ${useIt}.`,
      });
    case 'redirect-uri-refused': {
      const register = registrableRedirectUri(app.redirectUri ?? 'http://127.0.0.1/callback');
      return new HfloginError(
        `The app ${id} at ${app.host} does not accept the redirect URI ${app.redirectUri} (Logto answered invalid_redirect_uri).`,
        {
          code: ErrorCode.redirectUriNotRegistered,
          exitCode: ExitCode.usage,
          hint: `In Logto Console → Applications → the app ${id} → Settings → Redirect URIs, add ${register} and save (Logto accepts it on any port for a Native app). If ${id} is not a Native app, use the App ID of one.`,
        },
      );
    }
    case 'not-device-app':
      return new HfloginError(
        `The app ${id} at ${app.host} may not use the device flow: it is not a device-flow app.`,
        {
          code: ErrorCode.notDeviceApp,
          exitCode: ExitCode.usage,
          hint: `--device needs a second Logto app of the "Device flow" kind (not the Native app): ${appIdWhere}, ${useIt}.`,
        },
      );
    default:
      return undefined;
  }
}

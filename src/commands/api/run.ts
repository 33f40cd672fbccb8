import { ErrorCode } from '../../io/errorCodes.js';
import { ExitCode, HfloginError, usageError } from '../../io/errors.js';
import type { RawResponse } from '../../io/rawRequest.js';
import { isTerminal, writeRaw, writeText } from '../../io/terminal.js';
import { validateOrganizationId, validateResource } from '../../logto/authorizationParameters.js';
import { protocolError } from '../../oauth/errors.js';
import { describeAudience, grantedResources, resourceForUrl, type Audience } from '../../session/audience.js';
import type { StoredSession } from '../../session/session.js';
import type { AudienceToken } from '../../session/session.js';
import type { CommandDeps } from '../deps.js';
import { profileSession } from '../profileSession.js';
import { buildRequest, type ApiRequest, type Field, type RequestParts } from './request.js';
import { headerOf } from '../../oauth/get.js';

export type { Field };

export interface ApiOptions extends RequestParts {
  profile: string | undefined;
  json: boolean;
  debug: boolean;
  color: boolean;
  include: boolean;
  resource?: string;
  organization?: string;
}

/** An API's answer may be larger than a provider's (rawRequest's default is 1 MiB). */
const maxAnswerBytes = 64 * 1024 * 1024;

/**
 * `hflogin api <url>`: gh's `api` for a Logto tenant's APIs. The token's audience is `--resource`,
 * or the granted API resource whose indicator the URL starts with (the longest); the session's own
 * token goes only to the tenant itself, as gh's goes only to its host. On a 401 the token is
 * refreshed once and the request made again. The body is printed whatever the status (pretty JSON
 * on a terminal, as sent otherwise); anything but 2xx then ends with exit 1.
 */
export async function runApi(options: ApiOptions, deps: CommandDeps): Promise<void> {
  if (options.resource) validateResource(options.resource);
  if (options.organization !== undefined) validateOrganizationId(options.organization);
  const request = await buildRequest(options, deps.stdin);
  const { owner } = await profileSession({ profile: options.profile }, deps);
  const audience = audienceFor(options, await owner.current());
  deps.debug?.(`api: a token for ${describeAudience(audience) || 'the session itself'}`);

  let { token } = await owner.accessToken(audience);
  let response = await send(request, token, deps);
  if (response.status === 401) {
    // The API refused a token hflogin thought valid (revoked, a clock apart, a key rotated): one
    // new token, one more try, never a loop.
    deps.debug?.('api: HTTP 401; refreshing the token once and trying again');
    try {
      ({ token } = await owner.accessToken(audience, { force: true }));
    } catch (error) {
      print(response, options.include, deps);
      throw error;
    }
    response = await send(request, token, deps);
  }
  print(response, options.include, deps);
  if (response.status < 200 || response.status > 299) throw statusError(response, request.url, audience);
}

/** `--resource` (and `--organization`), else the granted resource the URL starts with. */
function audienceFor(options: ApiOptions, session: StoredSession): Audience {
  const granted = grantedResources(session);
  const resource = options.resource ?? resourceForUrl(options.url, granted);
  if (resource || options.organization) return { resource, organization: options.organization };
  // The session's own token is for the tenant (userinfo, Logto's account API): it goes nowhere else.
  if (options.url.origin === new URL(session.endpoint).origin) return {};
  throw usageError(
    `No API resource this session was granted covers ${options.url.origin}${options.url.pathname}.`,
    granted.length > 0
      ? `Granted: ${granted.join(', ')}. Pass --resource <indicator> for this API, or sign in with hflogin login --resource <indicator>.`
      : 'This session was granted no API resource: sign in with hflogin login --resource <the API indicator>, or pass --resource.',
  );
}

/** One request with the token; a failure to get an answer is exit 5 (network) or 130 (Ctrl+C). */
async function send(request: ApiRequest, token: AudienceToken, deps: CommandDeps): Promise<RawResponse> {
  const timeout = AbortSignal.timeout(deps.http.timeoutMs);
  try {
    return await deps.http.request(request.url, {
      method: request.method,
      headers: { ...request.headers, authorization: `${token.tokenType} ${token.accessToken}` },
      body: request.body,
      signal: AbortSignal.any([deps.signal, timeout]),
      maxResponseBytes: maxAnswerBytes,
    });
  } catch (error) {
    throw protocolError(error, 'The API request', request.url.host);
  }
}

/** RFC 8259 JSON, by media type: application/json or any `+json` (problem+json…). */
function isJsonType(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

/**
 * `-i`: the status line and the headers, then the body. On a terminal everything passes
 * terminalSafe and a JSON body is indented; to a pipe or a file the bytes go as the server sent them.
 */
function print(response: RawResponse, include: boolean, deps: CommandDeps): void {
  const terminal = isTerminal(deps.stdout);
  if (include) {
    const lines = [`HTTP/1.1 ${response.status} ${response.statusText}`];
    for (let i = 0; i < response.rawHeaders.length; i += 2)
      lines.push(`${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`);
    const head = `${lines.join('\r\n')}\r\n\r\n`;
    if (terminal) writeText(deps.stdout, head.replaceAll('\r\n', '\n'));
    else writeRaw(deps.stdout, Buffer.from(head, 'latin1'));
  }
  if (!terminal) {
    writeRaw(deps.stdout, response.body);
    return;
  }
  const text = response.body.toString('utf8');
  if (text === '') return;
  writeText(deps.stdout, pretty(text, headerOf(response, 'content-type')));
}

/** The body for a person: JSON indented (when it is JSON), and a final newline. */
function pretty(text: string, contentType: string | undefined): string {
  if (isJsonType(contentType)) {
    try {
      return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
    } catch {
      // Said to be JSON and is not: shown as it is.
    }
  }
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** A 4xx or 5xx (or a redirect, which is not followed: the token must not go elsewhere): exit 1. */
function statusError(response: RawResponse, url: URL, audience: Audience): HfloginError {
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const audienceText = describeAudience(audience) || 'the session itself';
  const hint =
    response.status === 401
      ? `The API refused the token for ${audienceText} even after a refresh: check that this is the API's resource (--resource), or sign in again with hflogin login --resource <its indicator>.`
      : response.status === 403
        ? `The token for ${audienceText} lacks what the API requires (a scope or role): sign in again with hflogin login --scope <the scope it needs>.`
        : response.status >= 300 && response.status < 400
          ? `hflogin api does not follow redirects (the token would go along): call ${headerOf(response, 'location') ?? 'the new location'} itself.`
          : 'The answer is on stdout (-i adds the status line and headers).';
  return new HfloginError(`${url.host} answered ${status}.`, {
    code: ErrorCode.httpStatus,
    exitCode: ExitCode.failed,
    hint,
  });
}

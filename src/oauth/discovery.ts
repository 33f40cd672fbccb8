import { ExitCode, HfloginError } from '../io/errors.js';
import type { HttpClient } from '../io/httpClient.js';
import { discoveryUrlOf, issuerOf } from '../logto/issuer.js';
import { protocolError } from './errors.js';
import { getWithTimeout, headerOf, jsonObjectOf } from './get.js';
import { checkDiscoveredUrls } from './providerUrls.js';
import { ErrorCode } from '../io/errorCodes.js';

/** What fetching discovery needs from the process. */
export interface DiscoveryDeps {
  http: HttpClient;
  now: () => number;
}

/** The provider's answer to OIDC discovery, whatever it was, with what `doctor` reports about it. */
export interface DiscoveryAnswer {
  endpoint: string;
  /** For messages: `tenant.logto.app`. */
  host: string;
  /** The issuer hflogin expects: `<endpoint>/oidc` (logto/issuer.ts). */
  issuer: URL;
  url: URL;
  status: number;
  /** When the request was sent (deps.now(), ms since the epoch), and how long the answer took. */
  startedAt: number;
  elapsedMs: number;
  /** The answer's Date header (ms since the epoch), when it had a valid one. */
  date: number | undefined;
  /** The metadata, when this is the issuer's discovery: HTTP 200, a JSON object, the same `issuer`. */
  metadata: Record<string, unknown> | undefined;
  /** The body as received (for oauth4webapi's own checks of the metadata). */
  body: Buffer;
  /** Why this is not the issuer's discovery (undefined when it is). */
  failure: HfloginError | undefined;
}

/** What to do when an endpoint does not serve Logto's discovery. */
export function notLogtoHint(endpoint: string): string {
  return `Is ${endpoint} a Logto endpoint? Use the tenant URL (e.g. https://tenant.logto.app); its issuer is <endpoint>/oidc.`;
}

/**
 * The one check of a discovery answer: HTTP 200, a JSON object, the issuer it names is ours, and
 * every endpoint hflogin uses passes the provider-URL rule (oauth/providerUrls.ts).
 */
function checkAnswer(
  endpoint: string,
  issuer: URL,
  url: URL,
  status: number,
  document: Record<string, unknown> | undefined,
): HfloginError | undefined {
  if (status >= 500) {
    return new HfloginError(`Discovery: ${url.href} answered HTTP ${status}.`, {
      code: ErrorCode.providerUnavailable,
      exitCode: ExitCode.network,
      hint: 'The provider is having trouble; try again in a moment.',
    });
  }
  const served = typeof document?.issuer === 'string' ? document.issuer : undefined;
  const reason =
    status !== 200
      ? `${url.href} answered HTTP ${status}`
      : !document
        ? `${url.href} answered with something that is not JSON metadata`
        : served !== issuer.href
          ? `${url.href} names the issuer ${served ?? '(none)'}`
          : undefined;
  if (!reason) return checkDiscoveredUrls(endpoint, document!);
  return new HfloginError(`No Logto discovery at ${issuer.href}: ${reason}.`, {
    code: ErrorCode.verificationFailed,
    exitCode: ExitCode.failed,
    hint: notLogtoHint(endpoint),
  });
}

/**
 * The one OIDC discovery of hflogin (login, refresh and revocation through oauth/provider.ts,
 * `doctor`, `config init`): GET `<endpoint>/oidc/.well-known/openid-configuration` through the
 * process's HTTP client. A failure to get any answer (network, TLS, time limit) is thrown, mapped
 * by protocolError; any answer is returned, with `failure` saying why it is not the issuer's
 * discovery, so `doctor` can still compare clocks with its Date header.
 */
export async function fetchDiscovery(
  endpoint: string,
  deps: DiscoveryDeps,
  signal?: AbortSignal,
): Promise<DiscoveryAnswer> {
  const issuer = issuerOf(endpoint);
  const url = discoveryUrlOf(issuer);
  const startedAt = deps.now();
  let response;
  try {
    response = await getWithTimeout(deps.http, url, { accept: 'application/json' }, signal);
  } catch (error) {
    throw protocolError(error, 'Discovery', issuer.host);
  }
  const elapsedMs = deps.now() - startedAt;
  const date = Date.parse(headerOf(response, 'date') ?? '');
  const document = jsonObjectOf(response);
  const failure = checkAnswer(endpoint, issuer, url, response.status, document);
  return {
    endpoint,
    host: issuer.host,
    issuer,
    url,
    status: response.status,
    startedAt,
    elapsedMs,
    date: Number.isNaN(date) ? undefined : date,
    metadata: failure ? undefined : document,
    body: response.body,
    failure,
  };
}

/** Discovery that must succeed: the answer, or its failure thrown. */
export async function discoverIssuer(
  endpoint: string,
  deps: DiscoveryDeps,
  signal?: AbortSignal,
): Promise<DiscoveryAnswer & { metadata: Record<string, unknown> }> {
  const answer = await fetchDiscovery(endpoint, deps, signal);
  if (answer.failure) throw answer.failure;
  return answer as DiscoveryAnswer & { metadata: Record<string, unknown> };
}

import * as oauth from 'oauth4webapi';

import { HfloginError } from '../io/errors.js';
import type { HttpClient } from '../io/httpClient.js';
import { discoverIssuer, notLogtoHint, type DiscoveryDeps } from './discovery.js';
import { protocolError } from './errors.js';
import { insecureAllowed } from './providerUrls.js';
import { clockToleranceSeconds } from './tolerance.js';

/** The provider's metadata and our client, as every protocol step needs them. */
export interface ProviderContext {
  endpoint: string;
  /** For messages: `tenant.logto.app`. */
  host: string;
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  /**
   * Per-request options for a request to `url` (one of `as`'s endpoints): a fresh timeout (and the
   * caller's abort signal) each time; plain http allowed only if `url` itself is loopback http.
   */
  request(url: string | undefined, signal?: AbortSignal): ReturnType<typeof requestOptions>;
  /** The process's HTTP client and clock, for requests oauth4webapi does not make (the JWKS). */
  http: HttpClient;
  now: () => number;
}

/** What talking to a provider needs from the process: what discovery needs. */
export type ProviderDeps = DiscoveryDeps;

export { clockToleranceSeconds };

function clientFor(clientId: string): oauth.Client {
  return { client_id: clientId, [oauth.clockTolerance]: clockToleranceSeconds };
}

/** The server, the client and its authentication (none: a public client), as oauth4webapi's grant requests take them. */
export function publicClient(provider: ProviderContext) {
  return [provider.as, provider.client, oauth.None()] as const;
}

/** The same provider as another of the tenant's apps (e.g. its device-flow app). */
export function withClient(provider: ProviderContext, clientId: string): ProviderContext {
  return { ...provider, client: clientFor(clientId) };
}

/**
 * oauth4webapi's options for one request to `url`. Plain http is allowed per URL, never per tenant:
 * only when `url` is http to this machine (oauth/providerUrls.ts); discovery has already refused
 * any http URL from an https tenant, so a loopback https tenant is never downgraded either.
 */
export function requestOptions(url: string | undefined, http: HttpClient, signal?: AbortSignal) {
  const timeout = AbortSignal.timeout(http.timeoutMs);
  return {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    [oauth.customFetch]: http.fetch as typeof fetch,
    ...(insecureAllowed(url) ? { [oauth.allowInsecureRequests]: true } : {}),
  };
}

/**
 * The provider for `endpoint`, from the one discovery (oauth/discovery.ts, which has checked every
 * endpoint URL hflogin uses: oauth/providerUrls.ts); oauth4webapi then checks the metadata itself
 * (processDiscoveryResponse: the issuer again, the document's shape).
 */
export async function discover(
  endpoint: string,
  clientId: string,
  deps: ProviderDeps,
  signal?: AbortSignal,
): Promise<ProviderContext> {
  const answer = await discoverIssuer(endpoint, deps, signal);
  let as: oauth.AuthorizationServer;
  try {
    as = await oauth.processDiscoveryResponse(
      answer.issuer,
      new Response(answer.body, { status: 200, headers: { 'content-type': 'application/json' } }),
    );
  } catch (error) {
    const mapped = protocolError(error, 'Discovery', answer.host);
    throw new HfloginError(mapped.message, {
      code: mapped.code,
      exitCode: mapped.exitCode,
      hint: notLogtoHint(endpoint),
      cause: error,
    });
  }
  return {
    endpoint,
    host: answer.host,
    as,
    client: clientFor(clientId),
    request: (url, requestSignal) => requestOptions(url, deps.http, requestSignal),
    http: deps.http,
    now: deps.now,
  };
}

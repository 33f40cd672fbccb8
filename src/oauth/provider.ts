import * as oauth from 'oauth4webapi';

import { isLoopback } from '../config/endpoint.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import type { HttpClient } from '../io/httpClient.js';
import { issuerOf } from '../logto/issuer.js';
import { protocolError } from './errors.js';
import { clockToleranceSeconds } from './tolerance.js';

/** The provider's metadata and our client, as every protocol step needs them. */
export interface ProviderContext {
  endpoint: string;
  /** For messages: `tenant.logto.app`. */
  host: string;
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  /** Per-request options: a fresh timeout (and the caller's abort signal) each time. */
  request(signal?: AbortSignal): ReturnType<typeof requestOptions>;
  /** The process's HTTP client and clock, for requests oauth4webapi does not make (the JWKS). */
  http: HttpClient;
  now: () => number;
}

/** What talking to a provider needs from the process. */
export interface ProviderDeps {
  http: HttpClient;
  now: () => number;
}

export { clockToleranceSeconds };

function clientFor(clientId: string): oauth.Client {
  return { client_id: clientId, [oauth.clockTolerance]: clockToleranceSeconds };
}

/** The same provider as another of the tenant's apps (e.g. its device-flow app). */
export function withClient(provider: ProviderContext, clientId: string): ProviderContext {
  return { ...provider, client: clientFor(clientId) };
}

export function requestOptions(endpoint: string, http: HttpClient, signal?: AbortSignal) {
  const timeout = AbortSignal.timeout(http.timeoutMs);
  return {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    [oauth.customFetch]: http.fetch as typeof fetch,
    // http:// is accepted only for loopback endpoints (config/endpoint.ts); oauth4webapi needs to be told.
    ...(isLoopback(new URL(endpoint)) ? { [oauth.allowInsecureRequests]: true } : {}),
  };
}

/** OIDC discovery at `<endpoint>/oidc/.well-known/openid-configuration`; the issuer must match. */
export async function discover(
  endpoint: string,
  clientId: string,
  deps: ProviderDeps,
  signal?: AbortSignal,
): Promise<ProviderContext> {
  const host = new URL(endpoint).host;
  const issuer = issuerOf(endpoint);
  let as: oauth.AuthorizationServer;
  try {
    const response = await oauth.discoveryRequest(issuer, {
      algorithm: 'oidc',
      ...requestOptions(endpoint, deps.http, signal),
    });
    as = await oauth.processDiscoveryResponse(issuer, response);
  } catch (error) {
    const mapped = protocolError(error, 'Discovery', host);
    if (mapped.exitCode === ExitCode.network) throw mapped;
    throw new HfloginError(mapped.message, {
      code: mapped.code,
      exitCode: mapped.exitCode,
      hint: `Is ${endpoint} a Logto endpoint? hflogin expects its issuer at ${issuer.href}.`,
      cause: error,
    });
  }
  return {
    endpoint,
    host,
    as,
    client: clientFor(clientId),
    request: (requestSignal) => requestOptions(endpoint, deps.http, requestSignal),
    http: deps.http,
    now: deps.now,
  };
}

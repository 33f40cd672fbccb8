import { proxyFailureOf } from './proxyFailure.js';
import { rawRequest, type RawRequest, type RawResponse } from './rawRequest.js';
import { providerRequestTimeoutMs } from './requestTimeout.js';

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** The proxy settings in force, read once from the environment. */
export interface ProxySettings {
  httpProxy: string | undefined;
  httpsProxy: string | undefined;
  /** NO_PROXY as given, with the loopback names always added. */
  noProxy: string;
  /** The variables they came from (`https_proxy` or `HTTPS_PROXY`…), for messages. */
  httpProxyVariable?: string;
  httpsProxyVariable?: string;
}

/**
 * Every request hflogin makes to a provider goes through the one client of the process: built once
 * from the environment by src/cli.ts, handed to commands as `deps.http`.
 */
export interface HttpClient {
  /** fetch(): directly over node:http(s), or through the proxy the environment names. */
  fetch: FetchLike;
  /**
   * The same request without building a fetch Response (on Node 20, touching Response loads the
   * whole built-in fetch): for the hot path of `whoami`.
   */
  request(url: URL, init?: RawRequest): Promise<RawResponse>;
  /** How long one request may take (HFLOGIN_HTTP_TIMEOUT, default 30 s). */
  timeoutMs: number;
  /** The proxy a request to `url` goes through, if any (the loopback never does). */
  proxyFor(url: URL): string | undefined;
  proxy: ProxySettings;
}

/** Loopback names always bypass the proxy: the callback listener and a local tenant live there. */
const loopbackNames = ['localhost', '127.0.0.1', '::1', '[::1]'];

/**
 * The proxy variables, read the way curl and undici read them: the lower-case name first (it is the
 * older convention and what curl honours for http_proxy), then the upper-case one.
 */
export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  const given = env.no_proxy ?? env.NO_PROXY ?? '';
  const entries = given
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  return {
    httpProxy: env.http_proxy || env.HTTP_PROXY || undefined,
    httpsProxy: env.https_proxy || env.HTTPS_PROXY || undefined,
    noProxy: [...entries, ...loopbackNames.filter((name) => !entries.includes(name))].join(','),
    httpProxyVariable: env.http_proxy ? 'http_proxy' : 'HTTP_PROXY',
    httpsProxyVariable: env.https_proxy ? 'https_proxy' : 'HTTPS_PROXY',
  };
}

function bypasses(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return noProxy.split(',').some((entry) => {
    if (entry === '*') return true;
    const [name] = entry
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .split(/:(?=\d+$)/);
    if (!name) return false;
    const bare = name.replace(/^\*?\./, '');
    return host === bare || host.endsWith(`.${bare}`);
  });
}

/**
 * The HTTP client built from the environment; node:http(s) load on the first request (rawRequest.ts),
 * so a command that needs no network (`token` with a fresh token) never loads them. Requests go over node:http(s) and answer with a real
 * Response: Node 20's built-in fetch loads and compiles its HTTP parser on first use, which costs
 * more than the whole rest of `hflogin whoami`. When a proxy applies, requests go through undici's
 * EnvHttpProxyAgent instead, loaded only then and created once per process, with the settings read
 * here (so the proxy hflogin reports is the one it uses). NODE_EXTRA_CA_CERTS is honoured by
 * node:https itself.
 */
export function createHttpClient(env: NodeJS.ProcessEnv): HttpClient {
  const proxy = proxySettings(env);
  const proxyFor = (url: URL): string | undefined => {
    const chosen = url.protocol === 'https:' ? proxy.httpsProxy : proxy.httpProxy;
    return chosen && !bypasses(url, proxy.noProxy) ? chosen : undefined;
  };
  let agent: Promise<{ fetch: typeof import('undici').fetch; dispatcher: unknown }> | undefined;
  const proxied = () => {
    agent ??= import('undici').then((imported: Record<string, unknown>) => {
      // undici is CommonJS: once bundled, its exports sit on the default export.
      const undici = (imported.EnvHttpProxyAgent ? imported : imported.default) as typeof import('undici');
      const { httpProxy, httpsProxy, noProxy } = proxy;
      return {
        fetch: undici.fetch,
        dispatcher: new undici.EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy }),
      };
    });
    return agent;
  };
  /** A request through the proxy: a failure that is the proxy's is reported as the proxy's (io/proxyFailure.ts). */
  const throughProxy = async <T>(
    url: URL,
    signal: AbortSignal | null | undefined,
    send: () => Promise<T>,
  ) => {
    try {
      return await send();
    } catch (error) {
      if (signal?.aborted) throw error;
      const https = url.protocol === 'https:';
      const failure = proxyFailureOf(
        error,
        proxyFor(url)!,
        (https ? proxy.httpsProxyVariable : proxy.httpProxyVariable) ??
          (https ? 'HTTPS_PROXY' : 'HTTP_PROXY'),
      );
      throw failure ? new TypeError('fetch failed', { cause: failure }) : error;
    }
  };
  return {
    proxy,
    proxyFor,
    timeoutMs: providerRequestTimeoutMs(env),
    async request(url, init = {}) {
      if (!proxyFor(url)) return rawRequest(url, init);
      const { fetch, dispatcher } = await proxied();
      // Like the direct path (rawRequest), one request: a redirect is the answer, never followed.
      const response = await throughProxy(url, init.signal, () =>
        fetch(url, { ...init, redirect: 'manual', dispatcher: dispatcher as never }),
      );
      const rawHeaders: string[] = [];
      response.headers.forEach((value, name) => rawHeaders.push(name, value));
      return {
        status: response.status,
        statusText: response.statusText,
        rawHeaders,
        body: Buffer.from(await response.arrayBuffer()),
      };
    },
    async fetch(input, init = {}) {
      const url = new URL(input);
      if (proxyFor(url)) {
        const { fetch, dispatcher } = await proxied();
        return (await throughProxy(url, init.signal, () =>
          fetch(url, { ...(init as object), dispatcher: dispatcher as never }),
        )) as unknown as Response;
      }
      const raw = await rawRequest(url, {
        method: init.method,
        headers: Object.fromEntries(new Headers(init.headers).entries()),
        body: init.body === undefined || init.body === null ? undefined : String(init.body),
        signal: init.signal ?? undefined,
      });
      const headers = new Headers();
      for (let i = 0; i < raw.rawHeaders.length; i += 2)
        headers.append(raw.rawHeaders[i]!, raw.rawHeaders[i + 1]!);
      const nullBody = [101, 204, 205, 304].includes(raw.status);
      const response = new Response(nullBody ? null : raw.body, {
        status: raw.status,
        statusText: raw.statusText,
        headers,
      });
      // As fetch's own answers do, it says where it came from: messages about an unexpected
      // answer name the URL (oauth/errors.ts).
      Object.defineProperty(response, 'url', { value: url.href });
      return response;
    },
  };
}

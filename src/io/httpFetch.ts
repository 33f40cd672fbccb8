import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { providerRequestTimeoutMs } from './requestTimeout.js';

export { providerRequestTimeoutMs };

/** Largest answer hflogin accepts from a provider (discovery, JWKS, tokens, userinfo are small). */
const maxResponseBytes = 1024 * 1024;

type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  statusText: string;
  /** Name, value, name, value… as received. */
  rawHeaders: string[];
  body: Buffer;
}

export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const proxy =
    url.protocol === 'https:' ? env.HTTPS_PROXY || env.https_proxy : env.HTTP_PROXY || env.http_proxy;
  return proxy || undefined;
}

/**
 * One request over node:http(s), nothing more. Rejects like fetch: with the signal's reason when
 * aborted, otherwise with a TypeError whose cause is the network error.
 */
export function rawRequest(url: URL, init: RawRequest = {}): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const { signal } = init;
    if (signal?.aborted) return reject(signal.reason);
    const headers = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: init.method ?? 'GET', headers });
    const onAbort = () => request.destroy(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const fail = (error: unknown) => {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
    };
    request.on('error', fail);
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxResponseBytes)
          request.destroy(new Error(`response larger than ${maxResponseBytes} bytes`));
        else chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        resolve({
          status: response.statusCode ?? 500,
          statusText: response.statusMessage ?? '',
          rawHeaders: response.rawHeaders,
          body: Buffer.concat(chunks),
        });
      });
    });
    request.end(init.body);
  });
}

/**
 * fetch() for the provider's endpoints. Node 20's built-in fetch loads and compiles its HTTP parser
 * on first use, which costs more than the whole rest of `hflogin whoami`; this goes through
 * node:http(s) and answers with a real Response all the same. When a proxy variable is set, requests
 * go through undici's EnvHttpProxyAgent instead (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), loaded only
 * then. NODE_EXTRA_CA_CERTS is honoured by node:https itself.
 */
export function providerFetch(env: NodeJS.ProcessEnv): FetchLike {
  return async (input, init = {}) => {
    const url = new URL(input);
    if (proxyFor(url, env)) {
      // undici is CommonJS: once bundled, its exports sit on the default export.
      const imported: Record<string, unknown> = await import('undici');
      const { fetch, EnvHttpProxyAgent } = (
        imported.EnvHttpProxyAgent ? imported : imported.default
      ) as typeof import('undici');
      return (await fetch(url, {
        ...(init as object),
        dispatcher: new EnvHttpProxyAgent(),
      })) as unknown as Response;
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
    return new Response(nullBody ? null : raw.body, {
      status: raw.status,
      statusText: raw.statusText,
      headers,
    });
  };
}

import type { IncomingMessage } from 'node:http';

/** Largest answer hflogin accepts from a provider (discovery, JWKS, tokens, userinfo are small). */
const defaultMaxResponseBytes = 1024 * 1024;

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** The largest answer accepted (default 1 MiB: a provider's answers are small; an API's may not be). */
  maxResponseBytes?: number;
}

export interface RawResponse {
  status: number;
  statusText: string;
  /** Name, value, name, value… as received. */
  rawHeaders: string[];
  body: Buffer;
}

/**
 * One request over node:http(s), nothing more. Rejects like fetch: with the signal's reason when
 * aborted, otherwise with a TypeError whose cause is the network error.
 */
export function rawRequest(url: URL, init: RawRequest = {}): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    const { signal } = init;
    const maxResponseBytes = init.maxResponseBytes ?? defaultMaxResponseBytes;
    if (signal?.aborted) return reject(signal.reason);
    const headers = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    // node:https (and with it node:tls) loads only when a request is made: `token` with a fresh
    // token makes none, and must not pay for them.
    const { request: send } = process.getBuiltinModule(
      url.protocol === 'https:' ? 'node:https' : 'node:http',
    ) as typeof import('node:http');
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

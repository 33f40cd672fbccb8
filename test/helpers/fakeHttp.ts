import type { HttpClient } from '../../src/io/httpClient.js';
import type { RawResponse } from '../../src/io/rawRequest.js';

/**
 * An HTTP client that answers every request (the GETs of discovery and userinfo) with `answer`,
 * or fails with it, recording the URLs asked. `fetch` is refused: those steps never use it.
 */
export function fakeHttp(answer: Partial<RawResponse> | Error): HttpClient & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    timeoutMs: 1_000,
    proxy: { httpProxy: undefined, httpsProxy: undefined, noProxy: '' },
    proxyFor: () => undefined,
    fetch: () => Promise.reject(new Error('only request() is expected here')),
    async request(url) {
      urls.push(url.href);
      if (answer instanceof Error) throw answer;
      return { status: 200, statusText: 'OK', rawHeaders: [], body: Buffer.from(''), ...answer };
    },
  };
}

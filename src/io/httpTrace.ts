import type { DebugLog } from './debug.js';
import type { HttpClient } from './httpClient.js';

/**
 * Query parameters whose values are secrets, or single-use values that let someone finish or replay
 * a step: the authorization code and PKCE verifier (RFC 7636 §4.1), every kind of token (RFC 7009's
 * `token`, OIDC's `id_token_hint` on the end-session URL), the device code (RFC 8628 §3.2), and
 * `state` and `nonce`, which guard the sign-in in progress (RFC 6749 §10.12, OIDC Core §15.5.2). A
 * trace is made to be pasted into a bug report, so even values that are spent by then are left out.
 * hflogin sends these in POST bodies, which a trace never prints; this covers any URL that carries one.
 */
const secretParameters = new Set([
  'code',
  'code_verifier',
  'access_token',
  'refresh_token',
  'id_token',
  'id_token_hint',
  'token',
  'device_code',
  'client_secret',
  'state',
  'nonce',
]);

/**
 * A URL as a trace shows it: no userinfo, no fragment, and each secret query value replaced by
 * `[redacted]` (the parameter's name stays: which step it was is the point of a trace).
 */
export function traceableUrl(input: URL | string): string {
  const url = new URL(input);
  url.username = '';
  url.password = '';
  url.hash = '';
  if (url.search) {
    url.search = url.search
      .slice(1)
      .split('&')
      .map((pair) => {
        const [name = '', ...value] = pair.split('=');
        const decoded = safeDecode(name).toLowerCase();
        return value.length > 0 && secretParameters.has(decoded) ? `${name}=[redacted]` : pair;
      })
      .join('&');
  }
  // `[` and `]` come back percent-encoded from the setter; the trace reads better without.
  return url.href.replaceAll('=%5Bredacted%5D', '=[redacted]');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/**
 * The proxy as `scheme://host:port`: never its userinfo, and nothing at all of a value that does not
 * parse as a URL with a host (where a password may sit anywhere in it).
 */
function shownProxy(proxy: string): string {
  const url = URL.canParse(proxy) ? new URL(proxy) : undefined;
  return url?.host ? `${url.protocol}//${url.host}` : '(a value that is not a URL; not shown)';
}

/** Why a request failed, in a few words: the network's error code, a timeout, or an abort. */
function failureOf(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'timed out';
    if (error.name === 'AbortError') return 'aborted';
    const cause = error.cause as NodeJS.ErrnoException | undefined;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}

/**
 * The client with every request traced on `log` (`--debug`): the method, the URL without secrets,
 * the proxy it went through (without credentials), then the HTTP status and how long the answer took.
 * Headers and bodies are never printed: they are where the tokens are.
 */
export function tracedHttpClient(http: HttpClient, log: DebugLog, now: () => number): HttpClient {
  async function traced<T>(
    method: string | undefined,
    url: URL,
    send: () => Promise<T>,
    status: (answer: T) => number,
  ) {
    const proxy = http.proxyFor(url);
    const what = `http ${(method ?? 'GET').toUpperCase()} ${traceableUrl(url)}${proxy ? ` via proxy ${shownProxy(proxy)}` : ''}`;
    const started = now();
    try {
      const answer = await send();
      log(`${what} → ${status(answer)} in ${now() - started} ms`);
      return answer;
    } catch (error) {
      log(`${what} → failed (${failureOf(error)}) after ${now() - started} ms`);
      throw error;
    }
  }
  return {
    ...http,
    request: (url, init = {}) =>
      traced(
        init.method,
        url,
        () => http.request(url, init),
        (answer) => answer.status,
      ),
    fetch: (input, init = {}) =>
      traced(
        init.method,
        new URL(input),
        () => http.fetch(input, init),
        (answer) => answer.status,
      ),
  };
}

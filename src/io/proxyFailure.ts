/**
 * A request that failed at the proxy, not at the tenant: the connection to the proxy itself
 * (refused, unknown host, unreachable, timed out), or the proxy refusing to open a tunnel (its
 * answer to CONNECT was not 200: 407 wants credentials, 502/503 it could not reach the tenant).
 * Through a proxy the only connection this machine opens is to the proxy, so a connection error
 * there is the proxy's; the messages name the proxy (never its credentials) and the variable it
 * came from, so nobody is sent to debug a tenant that was never reached.
 */
export class ProxyFailure extends Error {
  constructor(
    /** `http://proxy.example:3128`: scheme, host and port only. */
    readonly proxy: string,
    /** `HTTPS_PROXY`, `https_proxy`… */
    readonly variable: string,
    /** The connection error's code (ECONNREFUSED…), when the proxy could not be reached. */
    readonly reason: string | undefined,
    /** The proxy's HTTP status to CONNECT, when it answered but opened no tunnel. */
    readonly status: number | undefined,
    cause: unknown,
  ) {
    super(
      status === undefined
        ? `cannot connect to the proxy ${proxy} (${reason})`
        : `the proxy ${proxy} answered HTTP ${status} to CONNECT`,
      { cause },
    );
    this.name = 'ProxyFailure';
  }
}

/** Connection errors that, through a proxy, can only be the proxy's. */
const connectCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** undici's message when the proxy answers CONNECT with another status than 200. */
const tunnelRefused = /Proxy response \((\d{3})\) !== 200/;

/** The proxy as it may be shown: scheme, host and port, never the user or password it may carry. */
export function shownProxy(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(the value is not a URL; not shown, it may hold a password)';
  }
}

/** What a request through `proxy` threw, as a ProxyFailure when the proxy is to blame. */
export function proxyFailureOf(error: unknown, proxy: string, variable: string): ProxyFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth += 1) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && connectCodes.has(code))
      return new ProxyFailure(shownProxy(proxy), variable, code, undefined, error);
    const refused = typeof message === 'string' ? tunnelRefused.exec(message) : null;
    if (refused) return new ProxyFailure(shownProxy(proxy), variable, undefined, Number(refused[1]), error);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

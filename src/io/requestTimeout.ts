/**
 * How long one request to the provider may take: 30 s, or HFLOGIN_HTTP_TIMEOUT seconds (for slow
 * networks, or to fail fast in scripts). Its own module: the session lock's wait is derived from
 * it, and `hflogin token` must not load node:http just to read a number.
 */
export function providerRequestTimeoutMs(env: NodeJS.ProcessEnv): number {
  const seconds = Number(env.HFLOGIN_HTTP_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}

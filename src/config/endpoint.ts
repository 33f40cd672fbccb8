import { usageError } from '../io/errors.js';

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The tenant endpoint as given (`https://tenant.logto.app`), normalised: no trailing slash, no
 * query. People sometimes paste the issuer (`…/oidc`); that is accepted and trimmed. `http://` is
 * allowed only for loopback hosts (SPEC: others need https).
 */
export function parseEndpoint(value: string): URL {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw usageError(
      `"${value}" is not a URL.`,
      'Pass the tenant URL, e.g. --endpoint https://tenant.logto.app',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw usageError(
      `The endpoint must be an https:// URL, not ${url.protocol}//.`,
      'Pass the tenant URL, e.g. --endpoint https://tenant.logto.app',
    );
  }
  if (url.protocol === 'http:' && !loopbackHosts.has(url.hostname)) {
    throw usageError(
      `Refusing http://${url.host}: tokens would travel unencrypted.`,
      'Use https://, or http:// only for 127.0.0.1, localhost or [::1].',
    );
  }
  if (url.username || url.password)
    throw usageError(
      'The endpoint must not contain credentials.',
      'Pass only the tenant URL, e.g. --endpoint https://tenant.logto.app: hflogin signs in through the browser and needs no password.',
    );
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/oidc$/, '') || '/';
  return url;
}

/** `https://tenant.logto.app` (no trailing slash) from a parsed endpoint. */
export function endpointString(url: URL): string {
  return url.href.replace(/\/$/, '');
}

export function isLoopback(url: URL): boolean {
  return loopbackHosts.has(url.hostname);
}

import type { HttpClient } from '../io/httpClient.js';
import { interrupted } from '../io/wait.js';

/**
 * Which social connectors a tenant's sign-in experience offers, from Logto's public, unauthenticated
 * `GET <endpoint>/api/.well-known/sign-in-exp` (packages/core/src/routes/well-known/index.ts). Its
 * `socialConnectors` are the connectors of `socialSignInConnectorTargets` that are installed
 * (getFullSignInExperience in packages/core/src/libraries/sign-in-experience/index.ts), each with
 * its `target` — what `direct_sign_in=social:<target>` names. A target that is not among them makes
 * Logto fall back to its own sign-in page without a word.
 */

/** Where the sign-in experience is: under Logto's management API prefix, not under the issuer. */
export function signInExperienceUrl(endpoint: string): URL {
  return new URL(`${endpoint.replace(/\/$/, '')}/api/.well-known/sign-in-exp`);
}

/** Where a tenant's admin turns a social connector on. */
export const enableConnectorWhere =
  'Logto Console → Sign-in experience → Sign-up and sign-in → Social sign-in';

/** The targets of the enabled social connectors, or undefined when the document does not list them. */
export function enabledConnectorTargets(document: unknown): string[] | undefined {
  const connectors = (document as { socialConnectors?: unknown } | null)?.socialConnectors;
  if (!Array.isArray(connectors)) return undefined;
  return connectors
    .map((connector) => (connector as { target?: unknown } | null)?.target)
    .filter((target): target is string => typeof target === 'string');
}

/** The enabled targets, or why they could not be read. Never throws, except when `signal` aborts. */
export async function fetchEnabledConnectors(
  http: HttpClient,
  endpoint: string,
  signal?: AbortSignal,
): Promise<{ targets: string[] } | { unknown: string }> {
  // Advice, like the app checks: a slow answer is no answer.
  const timeout = AbortSignal.timeout(Math.min(http.timeoutMs, 5_000));
  const url = signInExperienceUrl(endpoint);
  try {
    const response = await http.request(url, {
      headers: { accept: 'application/json' },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (response.status !== 200) return { unknown: `${url.href} answered HTTP ${response.status}` };
    let document: unknown;
    try {
      document = JSON.parse(response.body.toString('utf8'));
    } catch {
      return { unknown: `${url.href} answered with something that is not JSON` };
    }
    const targets = enabledConnectorTargets(document);
    return targets ? { targets } : { unknown: `${url.href} lists no socialConnectors` };
  } catch (error) {
    if (signal?.aborted) throw interrupted();
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const reason = timeout.aborted
      ? 'no answer within 5 s'
      : typeof cause?.code === 'string'
        ? cause.code
        : error instanceof Error
          ? error.message
          : String(error);
    return { unknown: `${url.href}: ${reason}` };
  }
}

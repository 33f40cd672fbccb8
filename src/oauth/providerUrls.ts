import { isLoopback } from '../config/endpoint.js';
import { ErrorCode } from '../io/errorCodes.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import { issuerOf } from '../logto/issuer.js';

/**
 * The one rule for the URLs a provider hands hflogin: the endpoints in its discovery document and
 * the device flow's verification URIs. Each is checked before it is used (opened in a browser,
 * shown, QR-encoded, or sent a code, a PKCE verifier or a token), because a discovery document or a
 * device answer is only as trustworthy as whoever served it, and hflogin was found handing
 * `file:///etc/passwd?client_id=…` to $BROWSER and QR-encoding a device page on another site
 * (issue #14, "Trust nothing the provider or the machine hands you").
 *
 * - Transport: `https:`, or `http:` only when the tenant endpoint the person gave is itself `http:`
 *   (config/endpoint.ts allows that for loopback hosts alone) and the URL is on loopback too. An
 *   https tenant whose document lists an http URL, even to 127.0.0.1, is a downgrade and is refused:
 *   the person asked for TLS. `file:`, `javascript:`, `data:` and anything unparseable never pass.
 *   oauth4webapi is told to allow plain http per URL (insecureAllowed), never per tenant.
 * - Origin: the URLs a person is sent to (the authorization and end-session endpoints, in the browser; the device
 *   page, shown and QR-encoded) must be on the issuer's origin, or a hostile or compromised
 *   document could send the person to a look-alike sign-in page wearing the tenant's name. Logto's
 *   always are: its issuer is the tenant endpoint + /oidc (logto/issuer.ts), and oidc-provider, on
 *   which Logto's OIDC is built, makes every endpoint it advertises from that issuer
 *   (lib/actions/discovery.js, ctx.oidc.urlFor) and the device URIs too
 *   (lib/actions/authorization/device_authorization_response.js: verification_uri is
 *   urlFor('code_verification')); Logto's short `/device` page is on the same host.
 */

/** The discovery fields whose URLs hflogin uses (login, refresh, revocation, userinfo, the device flow, logout --browser). */
export const discoveredUrlFields = [
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'revocation_endpoint',
  'device_authorization_endpoint',
  'end_session_endpoint',
] as const;

/** The URLs a person is sent to: they must be on the issuer's origin. */
const personFacing = new Set<string>([
  'authorization_endpoint',
  'end_session_endpoint',
  'verification_uri',
  'verification_uri_complete',
]);

/** Whether oauth4webapi may send a request to `url` over plain http: only to this machine. */
export function insecureAllowed(url: string | URL | undefined): boolean {
  if (url === undefined) return false;
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return parsed.protocol === 'http:' && isLoopback(parsed);
  } catch {
    return false;
  }
}

/** How a hostile value is named in a message: a URL as the parser normalised it, anything else quoted. */
function shown(value: unknown, url?: URL): string {
  const text = url ? url.href : JSON.stringify(typeof value === 'string' ? value : String(value));
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * Why the provider's `field` (a URL it handed hflogin for the tenant at `endpoint`) must not be
 * used, or undefined when it may.
 */
export function providerUrlProblem(field: string, value: unknown, endpoint: string): string | undefined {
  let url: URL;
  try {
    if (typeof value !== 'string') throw new TypeError('not a string');
    url = new URL(value);
  } catch {
    return `${field} ${shown(value)}, which is not a URL`;
  }
  const tenant = new URL(endpoint);
  const transportOk =
    url.protocol === 'https:' || (tenant.protocol === 'http:' && isLoopback(tenant) && insecureAllowed(url));
  if (!transportOk) {
    return `${field} ${shown(value, url)}: hflogin only talks https (or http to this machine for a loopback tenant)`;
  }
  const issuer = issuerOf(endpoint);
  if (personFacing.has(field) && url.origin !== issuer.origin) {
    return `${field} ${shown(value, url)}, which is not on the issuer's origin ${issuer.origin}: Logto serves it there, and hflogin will not send you to a sign-in page elsewhere`;
  }
  return undefined;
}

function refused(message: string, hint: string): HfloginError {
  return new HfloginError(message, { code: ErrorCode.verificationFailed, exitCode: ExitCode.failed, hint });
}

/** The first discovered URL hflogin must not use, as the error to report; undefined when all may be used. */
export function checkDiscoveredUrls(
  endpoint: string,
  document: Record<string, unknown>,
): HfloginError | undefined {
  for (const field of discoveredUrlFields) {
    const value = document[field];
    if (value === undefined || value === null) continue;
    const problem = providerUrlProblem(field, value, endpoint);
    if (problem) {
      return refused(
        `The provider's discovery document has ${problem}.`,
        `A Logto tenant lists only its own https URLs; check that ${endpoint} is the tenant you meant. Nothing was opened or sent.`,
      );
    }
  }
  return undefined;
}

/** Throws before the device flow's verification URIs are shown, QR-encoded or emitted, unless both may be. */
export function checkVerificationUris(
  endpoint: string,
  device: { verification_uri: string; verification_uri_complete?: string },
): void {
  for (const field of ['verification_uri', 'verification_uri_complete'] as const) {
    const value = device[field];
    if (value === undefined) continue;
    const problem = providerUrlProblem(field, value, endpoint);
    if (problem) {
      throw refused(
        `The provider's device authorization has ${problem}.`,
        `Logto's device page is on the tenant's own origin; check that ${endpoint} is the tenant you meant. Nothing was shown.`,
      );
    }
  }
}

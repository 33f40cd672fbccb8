import { ExitCode, HfloginError } from '../io/errors.js';
import { ErrorCode } from '../io/errorCodes.js';
import type { ProviderContext } from './provider.js';
import { providerUrlProblem } from './providerUrls.js';

/**
 * The URL that ends the tenant's browser session (OpenID Connect RP-Initiated Logout 1.0 §2), so
 * that the next sign-in in that browser asks who you are instead of signing the same account straight
 * back in. Logto serves it from oidc-provider (lib/actions/end_session.js); its logout page submits
 * itself with `logout=yes` (packages/core/static/html/logout.html), so nothing is asked.
 *
 * - `id_token_hint`, when the session has an ID token: who is signing out and from which app
 *   (oidc-provider checks its signature and `aud`, not its expiry). Not a credential (no API takes
 *   it), but it names the person (name, email): it is only ever handed to the browser, never printed.
 * - `client_id`: the app, also when there is no ID token (an RP-Initiated Logout 1.0 §2 parameter).
 * - No `post_logout_redirect_uri`: Logto refuses one the app has not registered
 *   ("post_logout_redirect_uri not registered", an error page instead of a sign-out), and a Native
 *   app registers none unless someone adds it in the Console. Without it Logto shows its own "signed
 *   out" page, in the person's language; hflogin has nothing to learn from a redirect back (the
 *   grant was revoked before), so no listener is needed either.
 * - `ui_locales`: Logto's signed-out page in the person's language, as the sign-in pages.
 */
export function endSessionUrl(
  provider: ProviderContext,
  options: { idTokenHint: string | undefined; uiLocales: string | undefined },
): URL {
  const endpoint = provider.as.end_session_endpoint;
  if (endpoint === undefined) {
    throw new HfloginError(`${provider.host} does not offer an end-session endpoint.`, {
      code: ErrorCode.verificationFailed,
      exitCode: ExitCode.failed,
      hint: 'Logto always does; check that the endpoint is a Logto tenant. Sign out in the browser yourself.',
    });
  }
  // Opened in the browser with an ID token: only on the issuer's origin, as the sign-in page.
  const problem = providerUrlProblem('end_session_endpoint', endpoint, provider.endpoint);
  if (problem) {
    throw new HfloginError(`The provider's discovery document has ${problem}.`, {
      code: ErrorCode.verificationFailed,
      exitCode: ExitCode.failed,
      hint: `A Logto tenant lists only its own https URLs; check that ${provider.endpoint} is the tenant you meant. Nothing was opened.`,
    });
  }
  const url = new URL(endpoint);
  if (options.idTokenHint) url.searchParams.set('id_token_hint', options.idTokenHint);
  url.searchParams.set('client_id', String(provider.client.client_id));
  if (options.uiLocales) url.searchParams.set('ui_locales', options.uiLocales);
  return url;
}

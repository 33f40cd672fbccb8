import { browserAvailability } from '../../io/browserAvailability.js';
import { writeLine } from '../../io/terminal.js';
import { uiLocalesFromEnv } from '../../logto/authorizationParameters.js';
import { endSessionUrl } from '../../oauth/endSession.js';
import type { StoredSession } from '../../session/session.js';
import type { SessionOwner } from '../../session/sessionOwner.js';
import type { CommandDeps } from '../deps.js';

/** What `logout --browser` did in the browser (`logout --json`, `browserSignOut`). */
export interface BrowserSignOutJson {
  /** The end-session page was opened in a browser here. */
  opened: boolean;
  /** When it was not: the URL to open yourself (without the ID token), or null if there is none. */
  url: string | null;
}

/**
 * `logout --browser`, once the session is revoked and removed here: Logto's own session in the
 * browser is ended too (RP-Initiated Logout, src/oauth/endSession.ts), since it would otherwise sign
 * the same account straight back in at the next `hflogin login`. Like `gh auth logout` or
 * `wrangler logout`, the local sign-out never depends on it: a failure here is said, not fatal.
 *
 * Where no browser can be opened here (SSH, no display), the URL is printed for the person to open
 * in the browser they sign in with — but without `id_token_hint`: the ID token names the person and
 * must not end up in scrollback, logs or CI output. Logto ends the session without it all the same
 * (its logout page confirms itself; `client_id` names the app).
 */
export async function endBrowserSession(
  session: StoredSession,
  owner: SessionOwner,
  deps: CommandDeps,
): Promise<BrowserSignOutJson> {
  const host = new URL(session.endpoint).host;
  const uiLocales = uiLocalesFromEnv(deps.env);
  let url: URL;
  let printable: URL;
  try {
    const provider = await owner.discover(session);
    url = endSessionUrl(provider, { idTokenHint: session.idToken, uiLocales });
    printable = endSessionUrl(provider, { idTokenHint: undefined, uiLocales });
  } catch (error) {
    writeLine(
      deps.stderr,
      `Could not end Logto's session in the browser: ${error instanceof Error ? error.message : String(error)}`,
    );
    return { opened: false, url: null };
  }
  const availability = browserAvailability(deps.hostFacts());
  const result = availability.canOpen
    ? await deps.openBrowser(url.href)
    : { opened: false, detail: availability.reason };
  if (result.opened) {
    writeLine(
      deps.stderr,
      `Opened ${host}'s sign-out page in your browser, to end Logto's session there too.`,
    );
    return { opened: true, url: null };
  }
  writeLine(
    deps.stderr,
    `Could not open a browser (${result.detail}). To end Logto's session in your browser too, open:`,
  );
  writeLine(deps.stderr, `  ${printable.href}`);
  return { opened: false, url: printable.href };
}

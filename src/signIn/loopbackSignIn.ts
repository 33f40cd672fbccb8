import type { Writable } from 'node:stream';

import * as oauth from 'oauth4webapi';

import type { BrowserOpener } from '../io/browser.js';
import type { DebugLog } from '../io/debug.js';
import { browserAvailability, type HostFacts } from '../io/browserAvailability.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import { randomToken, type RandomBytes } from '../io/machine.js';
import { writeLine } from '../io/terminal.js';
import type { SignInChoices } from '../logto/authorizationParameters.js';
import { signInUrl } from '../logto/signInUrl.js';
import { startCallbackServer, type Page } from '../loopback/callbackServer.js';
import { failurePage, ignoredPage, successPage, type Locale } from '../loopback/pages.js';
import { exchangeCode } from '../oauth/codeExchange.js';
import { protocolError } from '../oauth/errors.js';
import type { ProviderContext } from '../oauth/provider.js';
import type { SignInEnding, SignInResult } from './signInResult.js';
import { ErrorCode } from '../io/errorCodes.js';

/** A loopback redirect in progress: the listener is up and the sign-in URL is ready. */
export interface LoopbackSignIn {
  /**
   * The provider's sign-in URL, with state, nonce and PKCE challenge: for the terminal, `--json`,
   * and a browser elsewhere; never for another process's argv.
   */
  url: URL;
  /** The one-time `http://127.0.0.1:<port>/start/<id>` that redirects to `url`: for the browser opened here. */
  startUrl: string;
  port: number;
  redirectUri: string;
  state: string;
  /**
   * Resolves with the first callback that carries this sign-in's state (and, once the browser took
   * `/start`, its cookie); rejects when `signal` aborts, or when `/start` is asked for a second time.
   */
  callback(signal: AbortSignal): Promise<URLSearchParams>;
  /**
   * A timeout while only wrong-state callbacks came is worth saying so: the provider (or something
   * posing as it) answered with a state this sign-in never sent. Other errors are returned as they are.
   */
  explainFailure(error: unknown): unknown;
  /** Checks callback parameters (iss, error: RFC 9207) and exchanges the code (PKCE, nonce). */
  complete(params: URLSearchParams, signal: AbortSignal): Promise<SignInResult>;
  /** Answers the browser still waiting on the loopback (if any), then closes the listener. */
  finish(ending: SignInEnding): Promise<void>;
}

/**
 * The browser sign-in through a loopback redirect (RFC 8252 §7.3): a listener on 127.0.0.1 that
 * ignores callbacks of other sign-ins, and the sign-in URL with state, nonce and PKCE.
 *
 * A browser's command line is public: every local user can read it (/proc/<pid>/cmdline, ps). So
 * the browser is never handed the sign-in URL, whose state would let another user deliver his own
 * code to this listener and sign this person in as him (login CSRF). It is handed
 * `/start/<id>` instead, which answers once with a cookie and a redirect to the sign-in URL; from
 * then on a callback must carry that cookie (and the state). Another user who reads the link gets
 * nowhere by using it second: he is refused, learns neither the sign-in URL nor the cookie, and the
 * sign-in stops. If he uses it first, the genuine browser's own visit is the second one and stops
 * the sign-in the same way: before his callback is taken, or after it until its code has been
 * exchanged (checked again then, before any session exists). Refusing the second visit instead
 * would refuse the genuine browser and let him finish, which is why a second `/start` stops the
 * whole sign-in rather than being merely refused. What is left is an attacker who completes the
 * provider's whole sign-in and delivers his callback, and hflogin its code exchange, before the
 * browser hflogin opened has even asked for `/start`; the person is then still told who was signed
 * in ("Signed in as …"), and `--no-browser` keeps even the link off the process list.
 *
 * Until `/start` is taken, the state alone admits a callback, as before: the sign-in URL has then
 * been only on this terminal (or `--json`'s stdout), and a browser on another machine, or one the
 * person pasted the URL into, cannot have the cookie.
 */
export async function startLoopbackSignIn(
  input: { provider: ProviderContext; choices: SignInChoices; port: number; debug?: DebugLog },
  deps: { stderr: Writable; random: RandomBytes },
): Promise<LoopbackSignIn> {
  const { provider } = input;
  // From the process's random source (crypto.getRandomValues in src/cli.ts), 32 bytes each.
  const codeVerifier = randomToken(deps.random);
  const state = randomToken(deps.random);
  const nonce = randomToken(deps.random);
  let ignoredCallbacks = 0;
  let strayCallbacks = 0;
  let reused: HfloginError | undefined;
  let stop!: (error: HfloginError) => void;
  const stopped = new Promise<never>((_resolve, reject) => (stop = reject));
  // Handled where it is raced (callback); never an unhandled rejection when nobody waits.
  stopped.catch(() => {});
  const server = await startCallbackServer({
    port: input.port,
    uiLocales: input.choices.uiLocales,
    debug: input.debug,
    start: {
      id: randomToken(deps.random),
      binding: randomToken(deps.random),
      onReplay: () => {
        if (reused) return;
        writeLine(deps.stderr, 'The one-time sign-in link was opened a second time: stopping the sign-in.');
        reused = linkReused();
        stop(reused);
      },
    },
    filter: (params, browser, locale) => {
      if (params.get('state') !== state) {
        // A callback for another (or a forged) request: answer it, keep waiting for ours.
        ignoredCallbacks += 1;
        writeLine(deps.stderr, 'Ignored a callback that does not belong to this sign-in (state mismatch).');
        return { take: false, page: { status: 400, html: ignoredPage(locale, 'state') } };
      }
      if (browser === 'unbound') {
        // The right state, but not from the browser that took /start: the state has travelled
        // (history, a copied URL); the cookie has not. Answer it, keep waiting for the browser's.
        strayCallbacks += 1;
        writeLine(
          deps.stderr,
          'Ignored a callback that did not come through the browser this sign-in opened (no sign-in cookie).',
        );
        return { take: false, page: { status: 400, html: ignoredPage(locale, 'unbound') } };
      }
      return { take: true };
    },
  });
  let respond: ((page: Page) => Promise<void>) | undefined;
  let locale: Locale = 'en';
  void server.callback.then((callback) => {
    respond = callback.respond;
    locale = callback.locale;
  });
  let closed = false;
  const finish = async (ending: SignInEnding) => {
    if (closed) return;
    closed = true;
    await respond?.(endingPage(ending, locale));
    await server.close();
  };

  try {
    const url = signInUrl(
      {
        authorizationEndpoint: provider.as.authorization_endpoint!,
        clientId: String(provider.client.client_id),
        redirectUri: server.redirectUri,
        state,
        nonce,
        codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      },
      input.choices,
    );
    server.startAt(url.href);
    return {
      url,
      startUrl: server.startUrl,
      port: server.port,
      redirectUri: server.redirectUri,
      state,
      callback: (signal) =>
        untilAborted(Promise.race([server.callback, stopped]), signal).then((callback) => callback.params),
      explainFailure: (error) =>
        error instanceof HfloginError &&
        error.exitCode === ExitCode.timedOut &&
        ignoredCallbacks + strayCallbacks > 0
          ? stateMismatch(ignoredCallbacks, strayCallbacks)
          : error,
      complete: async (params, signal) => {
        try {
          if (reused) throw reused;
          // RFC 9207: Logto advertises authorization_response_iss_parameter_supported, so iss is
          // required and must be the issuer; an `error` here is the provider's refusal.
          const valid = oauth.validateAuthResponse(provider.as, provider.client, params, state);
          const { tokens, claims } = await exchangeCode(
            provider,
            { callbackParams: valid, redirectUri: server.redirectUri, codeVerifier, nonce },
            signal,
          );
          // The link may have been opened again while the code was exchanged: the callback taken
          // may then be another user's (see above). Nothing is saved.
          if (reused) throw reused;
          return { tokens, provider, subject: claims.sub, finish };
        } catch (error) {
          throw protocolError(error, 'The sign-in', provider.host);
        }
      },
      finish,
    };
  } catch (error) {
    await server.close();
    throw protocolError(error, 'The sign-in', provider.host);
  }
}

/** The page the browser that brought the callback is answered with, in its language. */
function endingPage(ending: SignInEnding, locale: Locale): Page {
  return 'signedInAs' in ending
    ? { status: 200, html: successPage(locale, ending.signedInAs) }
    : { status: 400, html: failurePage(locale, ending.failure.message, ending.failure.hint) };
}

function stateMismatch(ignoredCallbacks: number, strayCallbacks: number): HfloginError {
  const refused = [
    ...(ignoredCallbacks > 0
      ? [`${ignoredCallbacks} callback(s) arrived with a state this sign-in never sent`]
      : []),
    ...(strayCallbacks > 0
      ? [`${strayCallbacks} callback(s) arrived without the cookie of the browser this sign-in opened`]
      : []),
  ];
  return new HfloginError(`The sign-in did not complete: ${refused.join(', and ')}, and were refused.`, {
    code: ErrorCode.stateMismatch,
    exitCode: ExitCode.failed,
    hint: 'If you did sign in, the provider returned the wrong state; otherwise another page tried to complete your sign-in.',
  });
}

function linkReused(): HfloginError {
  return new HfloginError(
    'The sign-in was stopped: its one-time browser link (http://127.0.0.1:…/start/…) was opened a second time, so another program or user on this machine may have it. Nobody was signed in.',
    {
      code: ErrorCode.signInLinkReused,
      exitCode: ExitCode.failed,
      hint: 'Run hflogin login again. If it happens again, use --no-browser: the sign-in URL then appears only on your terminal.',
    },
  );
}

/** `promise`, or its rejection with the signal's reason once `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Opens `url` in a browser when one can be opened here; says why not otherwise. True when opened. */
export async function openInBrowser(
  url: string,
  options: { openBrowser: boolean; hostFacts: HostFacts },
  deps: { stderr: Writable; openBrowser: BrowserOpener },
): Promise<boolean> {
  if (!options.openBrowser) {
    writeLine(deps.stderr, 'Not opening a browser (--no-browser).');
    return false;
  }
  const availability = browserAvailability(options.hostFacts);
  if (!availability.canOpen) {
    writeLine(deps.stderr, `Not opening a browser: ${availability.reason}.`);
    return false;
  }
  const opened = await deps.openBrowser(url);
  if (!opened.opened)
    writeLine(deps.stderr, `Could not open a browser (${opened.detail}); open the URL above yourself.`);
  return opened.opened;
}

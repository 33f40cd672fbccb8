import type { Writable } from 'node:stream';

import * as oauth from 'oauth4webapi';

import type { BrowserOpener } from '../io/browser.js';
import { browserAvailability, type HostFacts } from '../io/browserAvailability.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import { randomToken, type RandomBytes } from '../io/machine.js';
import { writeLine } from '../io/terminal.js';
import type { SignInChoices } from '../logto/authorizationParameters.js';
import { signInUrl } from '../logto/signInUrl.js';
import { startCallbackServer, type Page } from '../loopback/callbackServer.js';
import { errorPage, successPage } from '../loopback/pages.js';
import { exchangeCode } from '../oauth/codeExchange.js';
import { protocolError } from '../oauth/errors.js';
import type { ProviderContext } from '../oauth/provider.js';
import type { SignInEnding, SignInResult } from './signInResult.js';
import { ErrorCode } from '../io/errorCodes.js';

/** A loopback redirect in progress: the listener is up and the sign-in URL is ready. */
export interface LoopbackSignIn {
  /** The sign-in URL to open in a browser. */
  url: URL;
  port: number;
  redirectUri: string;
  state: string;
  /** Resolves with the first callback that carries this sign-in's state; rejects when `signal` aborts. */
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
 */
export async function startLoopbackSignIn(
  input: { provider: ProviderContext; choices: SignInChoices; port: number },
  deps: { stderr: Writable; random: RandomBytes },
): Promise<LoopbackSignIn> {
  const { provider } = input;
  // From the process's random source (crypto.getRandomValues in src/cli.ts), 32 bytes each.
  const codeVerifier = randomToken(deps.random);
  const state = randomToken(deps.random);
  const nonce = randomToken(deps.random);
  let ignoredCallbacks = 0;
  const server = await startCallbackServer({
    port: input.port,
    filter: (params) => {
      if (params.get('state') === state) return { take: true };
      // A callback for another (or a forged) request: answer it, keep waiting for ours.
      ignoredCallbacks += 1;
      writeLine(deps.stderr, 'Ignored a callback that does not belong to this sign-in (state mismatch).');
      return {
        take: false,
        page: {
          status: 400,
          html: errorPage('This callback does not belong to the sign-in in progress, so it was ignored.'),
        },
      };
    },
  });
  let respond: ((page: Page) => Promise<void>) | undefined;
  void server.callback.then((callback) => (respond = callback.respond));
  let closed = false;
  const finish = async (ending: SignInEnding) => {
    if (closed) return;
    closed = true;
    await respond?.(endingPage(ending));
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
    return {
      url,
      port: server.port,
      redirectUri: server.redirectUri,
      state,
      callback: (signal) => untilAborted(server.callback, signal).then((callback) => callback.params),
      explainFailure: (error) =>
        error instanceof HfloginError && error.exitCode === ExitCode.timedOut && ignoredCallbacks > 0
          ? stateMismatch(ignoredCallbacks)
          : error,
      complete: async (params, signal) => {
        try {
          // RFC 9207: Logto advertises authorization_response_iss_parameter_supported, so iss is
          // required and must be the issuer; an `error` here is the provider's refusal.
          const valid = oauth.validateAuthResponse(provider.as, provider.client, params, state);
          const { tokens, claims } = await exchangeCode(
            provider,
            { callbackParams: valid, redirectUri: server.redirectUri, codeVerifier, nonce },
            signal,
          );
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

function endingPage(ending: SignInEnding): Page {
  return 'signedInAs' in ending
    ? { status: 200, html: successPage(ending.signedInAs) }
    : { status: 400, html: errorPage(ending.failure.message, ending.failure.hint) };
}

function stateMismatch(ignoredCallbacks: number): HfloginError {
  return new HfloginError(
    `The sign-in did not complete: ${ignoredCallbacks} callback(s) arrived with a state this sign-in never sent, and were refused.`,
    {
      code: ErrorCode.stateMismatch,
      exitCode: ExitCode.failed,
      hint: 'If you did sign in, the provider returned the wrong state; otherwise another page tried to complete your sign-in.',
    },
  );
}

/** `promise`, or its rejection with the signal's reason once `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
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

import type { Writable } from 'node:stream';

import * as oauth from 'oauth4webapi';

import type { BrowserOpener } from '../io/browser.js';
import { browserAvailability, type HostFacts } from '../io/browserAvailability.js';
import type { DebugLog } from '../io/debug.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import { writeLine } from '../io/terminal.js';
import { startSpinner } from '../io/spinner.js';
import { askLine, isInteractive, waitForKey, type TerminalInput } from '../io/terminalInput.js';
import { waitFor } from '../io/wait.js';
import { randomToken, type RandomBytes } from '../io/machine.js';
import type { SignInChoices } from '../logto/authorizationParameters.js';
import { signInUrl } from '../logto/signInUrl.js';
import { startCallbackServer, type Page } from '../loopback/callbackServer.js';
import { errorPage } from '../loopback/pages.js';
import { exchangeCode } from '../oauth/codeExchange.js';
import { protocolError } from '../oauth/errors.js';
import type { ProviderContext } from '../oauth/provider.js';
import { deviceResult, deviceSignIn } from './deviceSignIn.js';
import type { EmitLoginEvent } from './loginEvents.js';
import type { SignInResult } from './signInResult.js';
import { ErrorCode } from '../io/errorCodes.js';

export interface BrowserSignInInput {
  provider: ProviderContext;
  choices: SignInChoices;
  port: number;
  /** false with --no-browser. */
  openBrowser: boolean;
  timeoutSeconds: number;
  hostFacts: HostFacts;
  /** The tenant's device-flow app, when one is configured: then a key press switches to it. */
  deviceProvider: ProviderContext | undefined;
  emit: EmitLoginEvent;
  /** false with --no-color. */
  colour?: boolean;
  debug?: DebugLog;
}

/** What the browser sign-in uses of the command's dependencies. */
export interface BrowserSignInDeps {
  stdin: TerminalInput;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  /** Aborted when the person presses Ctrl+C. */
  signal: AbortSignal;
  /** Raises Ctrl+C when a key press read in raw mode was one. */
  interrupt: () => void;
  now: () => number;
  random: RandomBytes;
  openBrowser: BrowserOpener;
}

type Outcome =
  | { kind: 'code'; params: URLSearchParams; respond?: (page: Page) => Promise<void> }
  | { kind: 'device'; tokens: oauth.TokenEndpointResponse; provider: ProviderContext };

function connectorName(target: string): string {
  return target === 'huggingface' ? 'Hugging Face' : target;
}

/**
 * The browser sign-in through a loopback redirect (RFC 8252), with the ways out people need when
 * the redirect cannot reach this machine (SSH, containers, another computer's browser): on a
 * terminal, the address the browser ended on can be pasted back, and a key press switches to the
 * device flow. Whichever path finishes first wins; the others are withdrawn.
 */
export async function browserSignIn(
  input: BrowserSignInInput,
  deps: BrowserSignInDeps,
): Promise<SignInResult> {
  const { provider, choices } = input;
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
  let closed = false;
  const finish = async (page: Page) => {
    if (closed) return;
    closed = true;
    await respond?.(page);
    await server.close();
  };

  const race = new AbortController();
  const stopRace = () => race.abort();
  deps.signal.addEventListener('abort', stopRace, { once: true });
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
      choices,
    );
    const preselected =
      choices.connector === false ? '' : ` (${connectorName(choices.connector)} preselected)`;
    writeLine(deps.stderr, `Sign in to ${provider.host}${preselected} in your browser:`);
    writeLine(deps.stderr, `  ${url.href}`);

    const opened = await openIfPossible(url.href, input, deps);
    input.emit({ event: 'url', url: url.href, redirectUri: server.redirectUri, opened });
    input.emit({ event: 'waiting', for: 'browser', timeoutSeconds: input.timeoutSeconds });
    const deadline = deps.now() + input.timeoutSeconds * 1000;
    const interactive = isInteractive(deps.stdin, deps.stderr);
    if (!opened)
      adviseWithoutBrowser(deps.stderr, server.port, interactive, input.deviceProvider !== undefined);
    writeLine(
      deps.stderr,
      `Waiting for the sign-in to finish in the browser (Ctrl+C to cancel, times out in ${input.timeoutSeconds} s)…`,
    );

    const contenders: Array<Promise<Outcome>> = [
      server.callback.then((callback) => {
        respond = callback.respond;
        return { kind: 'code' as const, params: callback.params, respond: callback.respond };
      }),
    ];
    let spinner = { stop: () => {} };
    if (interactive) {
      // Started first: it prints its menu line before the spinner takes the last line.
      contenders.push(
        alternatives({
          pasteNow: !opened,
          redirectUri: server.redirectUri,
          state,
          input,
          deps,
          signal: race.signal,
          deadline,
          beforeAsking: () => spinner.stop(),
        }),
      );
    }
    // On a terminal where nothing is being asked yet, a spinner shows the wait is alive.
    if (interactive && opened) {
      spinner = startSpinner(
        deps.stderr,
        'Waiting for you to finish in the browser… Ctrl+C to cancel',
        deps.env,
        input.colour,
      );
      race.signal.addEventListener('abort', () => spinner.stop(), { once: true });
    }
    const outcome = await waitFor(Promise.race(contenders), {
      timeoutMs: input.timeoutSeconds * 1000,
      signal: deps.signal,
      what: 'the sign-in in the browser',
    }).catch((error: unknown) => {
      // Only wrong-state callbacks came: the provider (or something posing as it) answered with a
      // state this sign-in never sent. Say so rather than just "timed out".
      if (error instanceof HfloginError && error.exitCode === ExitCode.timedOut && ignoredCallbacks > 0) {
        throw new HfloginError(
          `The sign-in did not complete: ${ignoredCallbacks} callback(s) arrived with a state this sign-in never sent, and were refused.`,
          {
            code: ErrorCode.stateMismatch,
            exitCode: ExitCode.failed,
            hint: 'If you did sign in, the provider returned the wrong state; otherwise another page tried to complete your sign-in.',
          },
        );
      }
      throw error;
    });
    race.abort();
    spinner.stop();

    if (outcome.kind === 'device') return { ...deviceResult(outcome.provider, outcome.tokens), finish };
    try {
      // RFC 9207: Logto advertises authorization_response_iss_parameter_supported, so iss is required
      // and must be the issuer; an `error` here is the provider's refusal.
      const params = oauth.validateAuthResponse(provider.as, provider.client, outcome.params, state);
      const { tokens, claims } = await exchangeCode(
        provider,
        { callbackParams: params, redirectUri: server.redirectUri, codeVerifier, nonce },
        deps.signal,
      );
      return { tokens, provider, subject: claims.sub, finish };
    } catch (error) {
      throw protocolError(error, 'The sign-in', provider.host);
    }
  } catch (error) {
    const failure = protocolError(error, 'The sign-in', provider.host);
    await finish({ status: 400, html: errorPage(failure.message, failure.hint) });
    throw failure;
  } finally {
    race.abort();
    deps.signal.removeEventListener('abort', stopRace);
  }
}

async function openIfPossible(
  url: string,
  input: BrowserSignInInput,
  deps: BrowserSignInDeps,
): Promise<boolean> {
  if (!input.openBrowser) {
    writeLine(deps.stderr, 'Not opening a browser (--no-browser).');
    return false;
  }
  const availability = browserAvailability(input.hostFacts);
  if (!availability.canOpen) {
    writeLine(deps.stderr, `Not opening a browser: ${availability.reason}.`);
    return false;
  }
  const opened = await deps.openBrowser(url);
  if (!opened.opened)
    writeLine(deps.stderr, `Could not open a browser (${opened.detail}); open the URL above yourself.`);
  return opened.opened;
}

function adviseWithoutBrowser(stderr: Writable, port: number, interactive: boolean, device: boolean): void {
  const ways = [
    ...(interactive
      ? [
          `its last page will not load: copy the address it ended on (http://127.0.0.1:${port}/callback?…) and paste it below`,
        ]
      : []),
    `forward the port first, on that machine: ssh -L ${port}:127.0.0.1:${port} <this host>`,
    `use a code instead: hflogin login --device${device ? '' : ' (needs a device-flow app ID)'}`,
  ];
  writeLine(stderr, 'Open the URL above in a browser. If that browser runs on another machine:');
  ways.forEach((way, index) =>
    writeLine(stderr, `  • ${index === 0 ? way : `or ${way}`}${index === ways.length - 1 ? '.' : ';'}`),
  );
}

interface AlternativesInput {
  /** Called before anything is written or asked (the spinner makes way). */
  beforeAsking: () => void;
  pasteNow: boolean;
  redirectUri: string;
  state: string;
  input: BrowserSignInInput;
  deps: BrowserSignInDeps;
  signal: AbortSignal;
  /** When the whole sign-in times out (ms since the epoch); a switch to the device flow keeps it. */
  deadline: number;
}

/** The terminal's ways to finish: paste the callback address, or switch to the device flow. */
async function alternatives(options: AlternativesInput): Promise<Outcome> {
  const { deps, signal, input } = options;
  if (options.pasteNow) return pasted(options);
  const device = input.deviceProvider;
  writeLine(
    deps.stderr,
    `Press p to paste the address your browser ended on${device ? ', d to sign in with a device code instead' : ''}.`,
  );
  const key = await waitForKey(deps.stdin, device ? ['p', 'd'] : ['p'], signal, deps.interrupt);
  options.beforeAsking();
  if (key === 'p' || !device) return pasted(options);
  writeLine(
    deps.stderr,
    'Switching to a device code; the browser sign-in keeps listening until one of them finishes.',
  );
  // The race's signal: when the browser or the timeout wins, the device poller stops too. Whole
  // seconds left, rounded down, so the device flow's own deadline comes no later than the race's.
  const tokens = await deviceSignIn(device, input.choices, deps, {
    signal,
    timeoutSeconds: Math.max(0, Math.floor((options.deadline - deps.now()) / 1000)),
    emit: input.emit,
    debug: input.debug,
  });
  return { kind: 'device', tokens, provider: device };
}

/**
 * Paste-back: the address is checked like a callback (this sign-in's redirect URI and state; then
 * iss and error by validateAuthResponse), so a pasted URL is never trusted more than a redirect.
 */
async function pasted(options: AlternativesInput): Promise<Outcome> {
  const expected = new URL(options.redirectUri);
  const value = await askLine(
    'Paste the address your browser ended on:',
    (text) => {
      let url: URL;
      try {
        url = new URL(text.trim());
      } catch {
        return `That is not an address; it starts with ${options.redirectUri}`;
      }
      if (url.origin !== expected.origin || url.pathname !== expected.pathname)
        return `The address must start with ${options.redirectUri}`;
      if (url.searchParams.get('state') !== options.state)
        return 'That address belongs to another sign-in (its state does not match).';
      if (!url.searchParams.has('code') && !url.searchParams.has('error'))
        return 'That address has neither a code nor an error.';
      return true;
    },
    { stdin: options.deps.stdin, stderr: options.deps.stderr, signal: options.signal },
  );
  return { kind: 'code', params: new URL(value.trim()).searchParams };
}

import type { Writable } from 'node:stream';

import type * as oauth from 'oauth4webapi';

import type { BrowserOpener } from '../io/browser.js';
import type { HostFacts } from '../io/browserAvailability.js';
import type { DebugLog } from '../io/debug.js';
import type { HttpClient } from '../io/httpClient.js';
import type { RandomBytes } from '../io/machine.js';
import { startSpinner, type Spinner } from '../io/spinner.js';
import { writeLine } from '../io/terminal.js';
import { isInteractive, waitForKey, type TerminalInput } from '../io/terminalInput.js';
import { waitFor } from '../io/wait.js';
import type { SignInChoices } from '../logto/authorizationParameters.js';
import { protocolError } from '../oauth/errors.js';
import type { ProviderContext } from '../oauth/provider.js';
import { deviceResult, deviceSignIn } from './deviceSignIn.js';
import { firstToFinish, type Contender } from './firstToFinish.js';
import type { EmitLoginEvent } from './loginEvents.js';
import { openInBrowser, startLoopbackSignIn, type LoopbackSignIn } from './loopbackSignIn.js';
import { pasteBack } from './pasteBack.js';
import { checkBrowserApp, warnConnectorDisabled } from './preflight.js';
import type { SignInResult } from './signInResult.js';

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
  /**
   * Whether the tenant has the chosen connector enabled (preflight.ts): false warns before the
   * browser opens; undefined (unknown, or no connector chosen) says nothing.
   */
  connectorEnabled?: boolean;
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
  /** For the checks before the browser opens (preflight.ts). */
  http: HttpClient;
}

/** How a way of finishing ended: a callback (redirected or pasted) to check, or device-flow tokens. */
type Outcome =
  | { kind: 'callback'; params: URLSearchParams }
  | { kind: 'device'; tokens: oauth.TokenEndpointResponse; provider: ProviderContext };

function connectorName(target: string): string {
  return target === 'huggingface' ? 'Hugging Face' : target;
}

/**
 * The browser sign-in through a loopback redirect (RFC 8252), with the ways out people need when
 * the redirect cannot reach this machine (SSH, containers, another computer's browser): on a
 * terminal, the address the browser ended on can be pasted back, and a key press switches to the
 * device flow. The first to finish wins and the others are withdrawn (firstToFinish); --timeout
 * and Ctrl+C end them all.
 */
export async function browserSignIn(
  input: BrowserSignInInput,
  deps: BrowserSignInDeps,
): Promise<SignInResult> {
  const loopback = await startLoopbackSignIn(input, deps);
  try {
    // The listener is up, so this sign-in's redirect URI (port and all) is known: Logto checks it
    // now, before any browser opens or the URL is printed, rather than in the person's browser.
    await checkBrowserApp(input.provider, loopback.redirectUri, deps, input.debug);
    const { connector } = input.choices;
    if (connector !== false && input.connectorEnabled === false)
      warnConnectorDisabled(input.provider.host, connector, { stderr: deps.stderr, emit: input.emit });
    const preselected =
      connector === false || input.connectorEnabled === false
        ? ''
        : ` (${connectorName(connector)} preselected)`;
    writeLine(deps.stderr, `Sign in to ${input.provider.host}${preselected} in your browser:`);
    writeLine(deps.stderr, `  ${loopback.url.href}`);
    // The terminal shows the sign-in URL (for a browser elsewhere, or to paste back); the browser
    // opened here gets only the one-time /start link, since its command line is public.
    const opened = await openInBrowser(loopback.startUrl, input, deps);
    input.emit({ event: 'url', url: loopback.url.href, redirectUri: loopback.redirectUri, opened });
    input.emit({ event: 'waiting', for: 'browser', timeoutSeconds: input.timeoutSeconds });
    const deadline = deps.now() + input.timeoutSeconds * 1000;
    const interactive = isInteractive(deps.stdin, deps.stderr);
    if (!opened)
      adviseWithoutBrowser(deps.stderr, loopback.port, interactive, input.deviceProvider !== undefined);
    writeLine(
      deps.stderr,
      `Waiting for the sign-in to finish in the browser (Ctrl+C to cancel, times out in ${input.timeoutSeconds} s)…`,
    );

    const outcome = await firstWayToFinish(loopback, { opened, interactive, deadline }, input, deps);
    if (outcome.kind === 'device')
      return { ...deviceResult(outcome.provider, outcome.tokens), finish: loopback.finish };
    return await loopback.complete(outcome.params, deps.signal);
  } catch (error) {
    const failure = protocolError(error, 'The sign-in', input.provider.host);
    await loopback.finish({ failure });
    throw failure;
  }
}

/**
 * The race: the browser's redirect, and on a terminal the paste-back or the switch to a device
 * code, under --timeout and Ctrl+C. The spinner shows the wait is alive while nothing is asked.
 */
async function firstWayToFinish(
  loopback: LoopbackSignIn,
  wait: { opened: boolean; interactive: boolean; deadline: number },
  input: BrowserSignInInput,
  deps: BrowserSignInDeps,
): Promise<Outcome> {
  let spinner: Spinner = { stop: () => {} };
  const contenders: Array<Contender<Outcome>> = [
    async (signal) => ({ kind: 'callback', params: await loopback.callback(signal) }),
  ];
  if (wait.interactive) {
    contenders.push((signal) =>
      terminalWaysOut(
        { loopback, pasteNow: !wait.opened, deadline: wait.deadline, beforeAsking: () => spinner.stop() },
        input,
        deps,
        signal,
      ),
    );
  }
  const race = new AbortController();
  // Started after the contenders: the terminal's menu line comes before the spinner takes the last line.
  const winner = firstToFinish(contenders, race.signal);
  if (wait.interactive && wait.opened)
    spinner = startSpinner(
      deps.stderr,
      'Waiting for you to finish in the browser… Ctrl+C to cancel',
      deps.env,
      input.colour,
    );
  try {
    return await waitFor(winner, {
      timeoutMs: input.timeoutSeconds * 1000,
      signal: deps.signal,
      what: 'the sign-in in the browser',
    });
  } catch (error) {
    throw loopback.explainFailure(error);
  } finally {
    race.abort();
    spinner.stop();
  }
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

/**
 * The terminal's ways to finish: paste the callback address (asked at once when no browser was
 * opened), or, after a key press, paste it or switch to the device flow.
 */
async function terminalWaysOut(
  options: {
    loopback: LoopbackSignIn;
    pasteNow: boolean;
    /** When the whole sign-in times out (ms since the epoch); a switch to the device flow keeps it. */
    deadline: number;
    /** Called before anything is written or asked (the spinner makes way). */
    beforeAsking: () => void;
  },
  input: BrowserSignInInput,
  deps: BrowserSignInDeps,
  signal: AbortSignal,
): Promise<Outcome> {
  const pasted = async (): Promise<Outcome> => ({
    kind: 'callback',
    params: await pasteBack(options.loopback, deps, signal),
  });
  if (options.pasteNow) return pasted();
  const device = input.deviceProvider;
  writeLine(
    deps.stderr,
    `Press p to paste the address your browser ended on${device ? ', d to sign in with a device code instead' : ''}.`,
  );
  const key = await waitForKey(deps.stdin, device ? ['p', 'd'] : ['p'], signal, deps.interrupt);
  options.beforeAsking();
  if (key === 'p' || !device) return pasted();
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

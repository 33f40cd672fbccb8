import { Readable, type Writable } from 'node:stream';

import type { StatusJson } from './commands/status/run.js';
import type { TokenJson } from './commands/token/run.js';
import type { LogoutProfileJson } from './commands/logout/run.js';
import type { WhoamiJson } from './commands/whoami/run.js';
import type { CommandDeps } from './commands/deps.js';
import { parseStorageKind } from './config/settings.js';
import type { BrowserOpener } from './io/browser.js';
import { HfloginError, isReportedInJson, unexpectedError, usageError } from './io/errors.js';
import { createHttpClient } from './io/httpClient.js';
import type { CriticalSection } from './io/interrupt.js';
import { interrupted } from './io/wait.js';
import { redact } from './io/debug.js';
import { refreshTokenPrompt, selectAccountPrompt } from './logto/scopes.js';
import type { LoginEvent } from './signIn/loginEvents.js';
import { detectHostFacts, systemProcesses, systemRandom } from './system.js';
import type {
  AccessToken,
  CommonOptions,
  SignInEvent,
  SignInOptions,
  SignInResult,
  SignOutOptions,
  SignOutProfile,
  SignOutResult,
  StatusResult,
  TokenRequest,
  WhoamiResult,
} from './libTypes.js';

/*
 * hflogin as a library: `import { getAccessToken } from 'hflogin'` (dist/lib.js, built on its own:
 * the CLI never loads it). Each function runs the CLI's own command — the same run function, over
 * the same profiles, storage, session owner and cross-process lock — with `--json`, and hands back
 * that document without its `schemaVersion`, so a program and `hflogin` in a shell interleave
 * safely and say the same things. The commands load only when called (dynamic imports: each its own
 * chunk), and none of this imports commander: eslint.config.js keeps it so.
 *
 * Like src/cli.ts it reads the machine (process.env, the clock, randomness, the process table), but
 * it is a guest in someone else's process: it installs no signal handlers, never exits, never
 * touches process.stdout/stderr. The caller's AbortSignal stands in for Ctrl+C.
 */

export { ExitCode, HfloginError } from './io/errors.js';
export { ErrorCode } from './io/errorCodes.js';
export type {
  AccessToken,
  CommonOptions,
  HuggingFaceIdentity,
  ProfileStatus,
  SessionState,
  SignInEvent,
  SignInOptions,
  SignInResult,
  SignOutOptions,
  SignOutProfile,
  SignOutResult,
  StatusResult,
  StorageKind,
  TokenRequest,
  UserSummary,
  WhoamiResult,
} from './libTypes.js';

/** A valid access token (refreshed first when little of its life is left), as `hflogin token --json`. */
export async function getAccessToken(options: TokenRequest = {}): Promise<AccessToken> {
  const { runToken } = await import('./commands/token/run.js');
  const document = await runJson<TokenJson>(options, (deps) =>
    runToken(
      {
        profile: options.profile,
        resource: options.resource,
        organization: options.organization,
        json: true,
      },
      deps,
    ),
  );
  return withoutVersion(document);
}

/** Who is signed in, read fresh from Logto's userinfo, as `hflogin whoami --json`. */
export async function whoami(options: CommonOptions = {}): Promise<WhoamiResult> {
  const { runWhoami } = await import('./commands/whoami/run.js');
  const document = await runJson<WhoamiJson>(options, (deps) =>
    runWhoami({ profile: options.profile, json: true }, deps),
  );
  return withoutVersion(document);
}

/**
 * Every profile's state, read from this machine (no network), as `hflogin status --json`. The
 * active profile's state is in the result (`signed-out`, `refresh-refused`…), not thrown: that is
 * what it is asked for. It throws only when it cannot tell (a config file that is not JSON, say).
 */
export async function status(options: CommonOptions = {}): Promise<StatusResult> {
  const { runStatus } = await import('./commands/status/run.js');
  const document = await runJson<StatusJson>(
    options,
    (deps) => runStatus({ profile: options.profile, json: true }, deps),
    { keepReported: true },
  );
  return withoutVersion(document);
}

/**
 * Signs in, as `hflogin login`: the browser through a loopback redirect (`openBrowser` opens the
 * URL; absent, the system browser), or the device flow with `device: true` (its code arrives as a
 * `device` event). Resolves with who signed in; the session is then every later call's, and the
 * CLI's.
 */
export async function signIn(options: SignInOptions = {}): Promise<SignInResult> {
  const loginOptions = signInOptions(options);
  const { runLogin } = await import('./commands/login/run.js');
  let result: SignInResult | undefined;
  const onEvent = (event: LoginEvent) => {
    if (event.event === 'signed-in') {
      const { event: _event, ...signedIn } = event;
      result = signedIn;
    }
    options.onEvent?.(event);
  };
  const opener = options.openBrowser;
  await run(options, { onEvent, opener }, (deps) => runLogin(loginOptions, deps));
  if (!result) throw unexpectedError('The sign-in ended without saying who signed in.');
  return result;
}

/**
 * Signs out, as `hflogin logout`: revoked at Logto, then removed from this machine (removed even
 * when Logto cannot be reached: the result says so). With `all`, every profile; one that fails
 * does not keep the others signed in, and the first failure is thrown once all were tried.
 */
export async function signOut(options: SignOutOptions = {}): Promise<SignOutResult> {
  const { runLogout } = await import('./commands/logout/run.js');
  const document = await runJson<{ schemaVersion: 1; profiles: LogoutProfileJson[] }>(options, (deps) =>
    runLogout({ profile: options.profile, all: options.all === true, json: true }, deps),
  );
  return withoutVersion(document);
}

// --- Each result is exactly the CLI's --json document without schemaVersion (checked by tsc). ---

/** true only when A and B are the same type: each assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type WithoutVersion<T> = Omit<T, 'schemaVersion'>;
const _sameShapes: [
  Same<AccessToken, WithoutVersion<TokenJson>>,
  Same<WhoamiResult, WithoutVersion<WhoamiJson>>,
  Same<StatusResult, WithoutVersion<StatusJson>>,
  Same<SignOutProfile, LogoutProfileJson>,
  Same<SignInEvent, LoginEvent>,
] = [true, true, true, true, true];

function withoutVersion<T extends { schemaVersion: 1 }>(document: T): WithoutVersion<T> {
  const { schemaVersion: _version, ...rest } = document;
  return rest;
}

// --- Running a command for a caller ---

/** The run's `--json` document (the last one it wrote on stdout). */
async function runJson<T>(
  options: CommonOptions,
  command: (deps: CommandDeps) => Promise<void>,
  /** status: a state the document already reports is the answer, not a failure. */
  { keepReported = false }: { keepReported?: boolean } = {},
): Promise<T> {
  let document: T | undefined;
  const onJson = (value: unknown) => (document = value as T);
  try {
    await run(options, { onJson }, command);
  } catch (error) {
    if (!(keepReported && isReportedInJson(error) && document !== undefined)) throw error;
  }
  if (document === undefined) throw unexpectedError('The command ended without its answer.');
  return document;
}

interface Output {
  /** Each JSON document written on stdout. */
  onJson?: (value: unknown) => void;
  /** login's events. */
  onEvent?: (event: LoginEvent) => void;
  /** signIn's browser opener (undefined: the system's). */
  opener?: SignInOptions['openBrowser'];
}

/** Runs `command` with this process's deps for the caller; any failure as an HfloginError. */
async function run(
  options: CommonOptions,
  output: Output,
  command: (deps: CommandDeps) => Promise<void>,
): Promise<void> {
  // As fetch() does: a signal aborted already stops the call before it starts.
  if (options.signal?.aborted) throw interrupted();
  const caller = callerSignal(options.signal);
  try {
    await command(libraryDeps(options, output, caller));
  } catch (error) {
    throw asHfloginError(error);
  } finally {
    caller.release();
  }
}

/** Any failure as the CLI reports it: one it did not foresee is `unexpected`, exitCode 1. */
function asHfloginError(error: unknown): HfloginError {
  if (error instanceof HfloginError) return error;
  return unexpectedError(
    `unexpected failure: ${redact(error instanceof Error ? error.message : String(error))}`,
    error,
  );
}

/**
 * The caller's AbortSignal as the commands' `signal` and `critical`, as src/io/interrupt.ts makes
 * them of Ctrl+C: an abort inside a critical section (Logto has rotated the refresh token and the
 * new one is not saved yet) waits for the section to end, so the grant is never lost to it.
 */
function callerSignal(outer: AbortSignal | undefined): {
  signal: AbortSignal;
  critical: CriticalSection;
  release: () => void;
} {
  const controller = new AbortController();
  let open = 0;
  const onAbort = () => {
    if (open === 0) controller.abort();
  };
  if (outer?.aborted) controller.abort();
  else outer?.addEventListener('abort', onAbort);
  const critical: CriticalSection = async (work) => {
    if (controller.signal.aborted) throw interrupted();
    open += 1;
    let result: Awaited<ReturnType<typeof work>>;
    try {
      result = await work();
    } finally {
      open -= 1;
      if (open === 0 && outer?.aborted) controller.abort();
    }
    // As the CLI's first Ctrl+C (io/interrupt.ts): the work is saved, then the call ends interrupted.
    if (open === 0 && outer?.aborted) throw interrupted();
    return result;
  };
  return {
    signal: controller.signal,
    critical,
    release: () => outer?.removeEventListener('abort', onAbort),
  };
}

/**
 * This process as CommandDeps for one call: the environment (with `configDir` and `storage` as
 * HFLOGIN_CONFIG_DIR and HFLOGIN_STORAGE), the clock, randomness, the process table (for the
 * session lock), the network; the output into the caller's hands; no terminal (so no prompt, no
 * paste-back, no spinner). Read at each call: a program may change its environment between two.
 */
function libraryDeps(
  options: CommonOptions,
  output: Output,
  caller: { signal: AbortSignal; critical: CriticalSection },
): CommandDeps {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.configDir !== undefined) env.HFLOGIN_CONFIG_DIR = options.configDir;
  if (options.storage !== undefined) env.HFLOGIN_STORAGE = parseStorageKind(options.storage, 'storage');
  const opener = output.opener;
  return {
    stdin: noTerminal(),
    stdout: lines((line) => {
      const value = JSON.parse(line) as Record<string, unknown>;
      if (output.onEvent && typeof value.event === 'string') {
        const { schemaVersion: _version, ...event } = value;
        output.onEvent(event as unknown as LoginEvent);
      } else output.onJson?.(value);
    }),
    stderr: lines((line) => options.onMessage?.(line)),
    env,
    now: Date.now,
    signal: caller.signal,
    critical: caller.critical,
    // Only a terminal's raw mode calls it, and the library has no terminal.
    interrupt: () => undefined,
    http: createHttpClient(env),
    random: systemRandom,
    processes: systemProcesses,
    // A caller who passes an opener has said how to open a browser, as $BROWSER does: no display,
    // a container or SSH does not stop it.
    hostFacts: () => {
      const facts = detectHostFacts(env);
      return typeof opener === 'function'
        ? { ...facts, env: { ...facts.env, BROWSER: 'openBrowser' } }
        : facts;
    },
    openBrowser: typeof opener === 'function' ? callerOpener(opener) : systemOpener(env),
    openStore: async (kind, dir) =>
      (await import('./storage/openStore.js')).openStore(kind, dir, env, systemRandom),
  };
}

function systemOpener(env: NodeJS.ProcessEnv): BrowserOpener {
  return async (url) => (await import('./io/browser.js')).systemBrowserOpener(env)(url);
}

function callerOpener(open: (url: string) => unknown): BrowserOpener {
  return async (url) => {
    try {
      await open(url);
      return { opened: true, detail: 'openBrowser' };
    } catch (error) {
      return {
        opened: false,
        detail: `openBrowser failed: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  };
}

/** Standard input that is not a terminal and has nothing to read. */
function noTerminal(): CommandDeps['stdin'] {
  return Object.assign(Readable.from([]), { isTTY: false });
}

/** A stream (not a terminal: no colour) that hands each complete line to `onLine`. */
function lines(onLine: (line: string) => void): Writable {
  let pending = '';
  const stream = {
    isTTY: false,
    write(chunk: string | Uint8Array): boolean {
      pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      let end: number;
      while ((end = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        onLine(line);
      }
      return true;
    },
    on: () => stream,
    once: () => stream,
  };
  return stream as unknown as Writable;
}

// --- signIn's options as `hflogin login`'s, checked as its command line is ---

function signInOptions(options: SignInOptions) {
  const selectAccount = options.selectAccount === true;
  if (selectAccount && options.prompt !== undefined)
    throw usageError(
      `selectAccount sends prompt=${selectAccountPrompt} itself.`,
      'Leave out prompt, or selectAccount.',
    );
  if (selectAccount && options.device === true)
    throw usageError(
      'selectAccount works with the browser sign-in; with the device flow the account is chosen in the browser that approves the code.',
      'Leave out selectAccount.',
    );
  return {
    profile: options.profile,
    endpoint: options.endpoint,
    appId: options.appId,
    device: options.device === true,
    deviceAppId: options.deviceAppId,
    connector: options.connector,
    signUp: options.signUp === true,
    scope: options.scope ?? [],
    resource: options.resource ?? [],
    organization: options.organization,
    loginHint: options.loginHint,
    prompt: selectAccount ? selectAccountPrompt : (options.prompt ?? refreshTokenPrompt),
    selectAccount,
    port: wholeNumber('port', options.port, 65_535, 0),
    browser: options.openBrowser !== false,
    timeout: wholeNumber('timeout', options.timeout, 86_400, 300),
    storage: options.storage === undefined ? undefined : parseStorageKind(options.storage, 'storage'),
    json: true,
    color: false,
  };
}

function wholeNumber(name: string, value: number | undefined, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > max)
    throw usageError(`${name} must be a whole number from 0 to ${max}.`, `e.g. ${name}: ${fallback || 8085}`);
  return value;
}

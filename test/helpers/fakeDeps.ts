import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

import { systemProcesses, systemRandom } from '../../src/system.js';
import type { CommandDeps } from '../../src/commands/deps.js';
import { configDirScope } from '../../src/config/paths.js';
import type { BrowserResult } from '../../src/io/browser.js';
import { createHttpClient } from '../../src/io/httpClient.js';
import { keychainModuleUnavailable } from '../../src/storage/errors.js';
import { KeychainStore, type KeyringBackend } from '../../src/storage/keychainStore.js';
import { openStore } from '../../src/storage/openStore.js';
import { HttpUserAgent, signInInBrowser, type Hop } from './httpUserAgent.js';

/**
 * An in-memory keychain with Windows Credential Manager's limit: a credential blob holds at most
 * 2,560 bytes, counted here as UTF-16 (the stricter reading).
 */
export class MemoryKeyring implements KeyringBackend {
  readonly entries = new Map<string, string>();
  failWith: Error | undefined;
  static readonly maxBlobBytes = 2_560;

  private guard() {
    if (this.failWith) throw this.failWith;
  }
  async get(account: string) {
    this.guard();
    return this.entries.get(account) ?? null;
  }
  async set(account: string, value: string) {
    this.guard();
    if (Buffer.byteLength(value, 'utf16le') > MemoryKeyring.maxBlobBytes) {
      throw new Error(`credential too large (${Buffer.byteLength(value, 'utf16le')} bytes)`);
    }
    this.entries.set(account, value);
  }
  async delete(account: string) {
    this.guard();
    return this.entries.delete(account);
  }
  async list() {
    this.guard();
    return [...this.entries.keys()];
  }
  /** How often getAll was called (the one-call read of keychainStore.ts). */
  getAllCalls = 0;
  async getAll() {
    this.getAllCalls += 1;
    this.guard();
    return new Map(this.entries);
  }
}

/**
 * The only browser a fake host has: `$BROWSER` set to this opens it. An executable file (the
 * recorder e2e tests use), so `hflogin doctor` finds it on the fake host as it would a real one.
 */
export const fakeBrowserCommand = fileURLToPath(new URL('./recordBrowser.mjs', import.meta.url));

/**
 * What the person does in the fake browser: sign in as a user (or deny: `{ decision: 'deny' }`),
 * following the sign-in URL over HTTP to the loopback callback; or nothing (`'stay'`: the page is
 * left open, and the test plays the rest itself).
 */
export type BrowserDecision = Record<string, string> | 'stay';

/**
 * A browser driven over HTTP (test/helpers/httpUserAgent.ts), with what it was asked to open. By
 * default each sign-in is a fresh browser profile; with `keepsCookies` it is one browser, whose
 * Logto session outlives a sign-in (and a run: pass it to several `hflogin()` runs), as a real one's.
 */
export class FakeBrowser {
  /** Every URL it was asked to open, in order. */
  readonly opened: string[] = [];
  /** Why a sign-in it played did not reach the callback (a faulty provider, say). */
  readonly failures: unknown[] = [];
  /** The last page of each URL it opened that was not a sign-in (e.g. Logto's signed-out page). */
  readonly pages: Hop[] = [];
  private readonly visits: Array<Promise<void>> = [];
  private readonly agent: HttpUserAgent | undefined;

  constructor(
    /** What the person does at the next sign-in; may be changed between runs. */
    public decision: BrowserDecision = { user: 'alice-hf' },
    options: { keepsCookies?: boolean } = {},
  ) {
    this.agent = options.keepsCookies ? new HttpUserAgent() : undefined;
  }

  open(url: string): BrowserResult {
    this.opened.push(url);
    const decision = this.decision;
    const { pathname } = new URL(url);
    const signIn = pathname.startsWith('/start/') || pathname.endsWith('/oidc/auth');
    // In the background, as a real browser runs beside hflogin: the callback answers only once the
    // sign-in is done, which is after the opener has returned.
    if (!signIn) {
      const agent = this.agent ?? new HttpUserAgent();
      this.visits.push(
        agent
          .follow(url)
          .then(({ page }) => void this.pages.push(page))
          .catch((error: unknown) => void this.failures.push(error)),
      );
    } else if (decision !== 'stay') {
      this.visits.push(
        // Through /start, keeping its cookie for the callback, as a real browser does.
        signInInBrowser(url, decision, undefined, this.agent)
          .then(() => {})
          .catch((error: unknown) => void this.failures.push(error)),
      );
    }
    return { opened: true, detail: '$BROWSER (the fake browser)' };
  }

  /** Resolves once every page it opened has finished loading (or failed). */
  async settled(): Promise<void> {
    await Promise.all(this.visits);
  }
}

/**
 * `openBrowser` as on a host whose only browser is the fake one: `$BROWSER` naming it opens it;
 * naming anything else fails as a missing program does; unset, there is no system browser.
 */
function fakeOpener(env: NodeJS.ProcessEnv, browser: FakeBrowser): CommandDeps['openBrowser'] {
  return async (url) => {
    if (env.BROWSER === fakeBrowserCommand) return browser.open(url);
    if (env.BROWSER)
      return { opened: false, detail: `$BROWSER (${env.BROWSER}) failed: spawn ${env.BROWSER} ENOENT` };
    return { opened: false, detail: 'no browser could be opened: the fake host has none' };
  };
}

export interface FakeDepsOptions extends Partial<CommandDeps> {
  /** The keychain behind `openStore('keychain', …)`; share one to keep sessions across runs. */
  keyring?: MemoryKeyring;
  /** The browser `$BROWSER=fakeBrowserCommand` opens (unless `openBrowser` is given). */
  browser?: FakeBrowser;
  /** Run on a terminal: stdin and stderr are TTYs (keys are typed into stdin). */
  terminal?: boolean;
  /** The keychain's native addon fails to load, with this error (openStore('keychain') throws). */
  keychainAddonFails?: Error;
  /** stdout is a terminal (`hflogin api` indents JSON and sanitises text there). */
  stdoutTerminal?: boolean;
  /** What a pipe into stdin carries, then its end (`hflogin api --input -`, `-F key=@-`). */
  stdinText?: string | Buffer;
}

/**
 * A stream that says it is a terminal, as process.stdin/stderr do on one. Like process.stderr it is
 * stdio (`_isStdio`): a stream piped into it (a prompt's output) does not end it when it ends.
 */
function asTerminal<T extends PassThrough>(stream: T, input: boolean): T {
  return Object.assign(stream, {
    isTTY: true,
    columns: 120,
    rows: 40,
    ...(input ? { setRawMode: () => stream } : { _isStdio: true }),
  });
}

/**
 * Command dependencies with captured output, for in-process command tests: the one factory. The
 * environment is the fake host's (never process.env); keychain items are scoped to the config
 * directory as the real keychain's are; `interrupt()` is the person's Ctrl+C.
 */
export function fakeDeps(options: FakeDepsOptions = {}) {
  const {
    keyring = new MemoryKeyring(),
    browser = new FakeBrowser(),
    terminal = false,
    keychainAddonFails,
    stdoutTerminal = false,
    stdinText,
    ...overrides
  } = options;
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (terminal) {
    asTerminal(stdin, true);
    asTerminal(stderr, false);
  }
  if (stdoutTerminal) asTerminal(stdout, false);
  if (stdinText !== undefined) stdin.end(stdinText);
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const ctrlC = new AbortController();
  const env = overrides.env ?? {};
  const deps: CommandDeps = {
    stdin,
    stdout,
    stderr,
    env,
    now: Date.now,
    signal: ctrlC.signal,
    critical: (work) => work(),
    // The Ctrl+C a key press in raw mode raises: in the CLI it aborts the signal, as here.
    interrupt: () => ctrlC.abort(),
    // Built from the fake env, like the real one from process.env: HFLOGIN_HTTP_TIMEOUT, proxies.
    http: createHttpClient(env),
    random: systemRandom,
    processes: systemProcesses,
    // The fake env decides (BROWSER, SSH_CONNECTION, DISPLAY…); never this machine's container.
    hostFacts: () => ({ platform: 'linux', env, isContainer: false, isWsl: false }),
    openBrowser: fakeOpener(env, browser),
    openStore: async (kind, dir) => {
      // As src/storage/openStore.ts does, with the fake keychain for the OS's.
      if (kind === 'file') return openStore(kind, dir, env);
      if (keychainAddonFails) throw keychainModuleUnavailable(keychainAddonFails);
      return new KeychainStore(keyring, configDirScope(dir));
    },
    ...overrides,
  };
  return {
    deps,
    keyring,
    browser,
    output: () => ({ out, err }),
    interrupt: () => ctrlC.abort(),
    /** Types into stdin, as the person does at a terminal ("\r" is Enter). */
    type: (text: string) => stdin.write(text),
  };
}

import { main } from '../../src/cli.js';
import type { StorageKind } from '../../src/config/profiles.js';
import { parseSession, serializeSession, type StoredSession } from '../../src/session/session.js';
import type { SecretStore } from '../../src/storage/secretStore.js';
import type { Emulator } from '../emulator/index.js';
import {
  FakeBrowser,
  fakeBrowserCommand,
  fakeDeps,
  MemoryKeyring,
  type BrowserDecision,
} from './fakeDeps.js';
import { isolatedProfile } from './hfloginProcess.js';
import { seedSignedInSession } from './seedSession.js';

/**
 * A fake host for in-process runs of hflogin: a private config directory (not created: hflogin
 * makes it), a profile name, a keychain of its own (MemoryKeyring) and the environment every run
 * starts from, in which `$BROWSER` is the fake browser. Nothing here reads or changes process.env.
 */
export interface FakeHost {
  root: string;
  configDir: string;
  profile: string;
  keyring: MemoryKeyring;
  env: NodeJS.ProcessEnv;
  /** The store hflogin itself opens for `kind` here (this host's keychain, or its config directory). */
  store(kind: StorageKind): Promise<SecretStore>;
  /** The stored session of the host's profile, or null. */
  session(kind: StorageKind): Promise<StoredSession | null>;
  /** Rewrites the stored session with its access token expired `ago` ms ago; returns what it wrote. */
  expire(kind: StorageKind, ago?: number): Promise<StoredSession>;
  /** A signed-in profile without a browser (test/helpers/seedSession.ts), in this host's store. */
  seed(
    emulator: Emulator,
    kind: StorageKind,
    request?: Parameters<typeof seedSignedInSession>[2],
    profile?: string,
  ): Promise<StoredSession>;
}

/**
 * `share`: another host's keychain and profile name (another config directory, one keychain), or
 * just a profile name of the test's choosing.
 */
export function fakeHost(
  env: NodeJS.ProcessEnv = {},
  share?: Partial<Pick<FakeHost, 'keyring' | 'profile'>>,
): FakeHost {
  const isolated = isolatedProfile();
  const profile = share?.profile ?? isolated.profile;
  const keyring = share?.keyring ?? new MemoryKeyring();
  const host: FakeHost = {
    root: isolated.root,
    configDir: isolated.configDir,
    profile,
    keyring,
    env: {
      HFLOGIN_CONFIG_DIR: isolated.configDir,
      HFLOGIN_PROFILE: profile,
      BROWSER: fakeBrowserCommand,
      NO_COLOR: '1',
      ...env,
    },
    store: (kind) => fakeDeps({ keyring }).deps.openStore(kind, isolated.configDir),
    async session(kind) {
      const text = await (await host.store(kind)).load(profile);
      return text === null ? null : parseSession(text);
    },
    async expire(kind, ago = 1_000) {
      const session = (await host.session(kind))!;
      const expired = { ...session, accessTokenExpiresAt: new Date(Date.now() - ago).toISOString() };
      await (await host.store(kind)).save(profile, serializeSession(expired));
      return expired;
    },
    async seed(emulator, kind, request, name = profile) {
      const target = {
        configDir: isolated.configDir,
        profile: name,
        storage: kind,
        store: await host.store(kind),
      };
      return seedSignedInSession(emulator, target, request);
    },
  };
  return host;
}

/** One run of `main()`, shaped like a process run: its exit, its output, the sign-in URL. */
export interface InProcessRun {
  exit: Promise<number>;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the sign-in URL once hflogin has printed it (the listener is up by then). */
  signInUrl: Promise<URL>;
  /** The person's Ctrl+C. */
  interrupt: () => void;
  /** Types at the terminal (with `terminal: true`); "\r" is Enter. */
  type: (text: string) => void;
  browser: FakeBrowser;
}

export interface RunOptions {
  /** On top of the host's environment. */
  env?: NodeJS.ProcessEnv;
  /**
   * What the person does in the browser hflogin opens (by default, sign in as alice-hf), or the
   * browser itself: one that keeps Logto's session across runs (`new FakeBrowser(…, { keepsCookies: true })`).
   */
  browser?: BrowserDecision | FakeBrowser;
  /** On a terminal (stdin and stderr are TTYs); by default, as in a script. */
  terminal?: boolean;
  /** The keychain's native addon fails to load, with this error. */
  keychainAddonFails?: Error;
  /** stdout is a terminal. */
  stdoutTerminal?: boolean;
  /** Piped into stdin (then ended). */
  stdin?: string | Buffer;
}

/** `hflogin <args>` on the fake host, in this process: `main(argv, fakeDeps(…))`. */
export function hflogin(host: FakeHost, args: string[], options: RunOptions = {}): InProcessRun {
  const browser = options.browser instanceof FakeBrowser ? options.browser : new FakeBrowser(options.browser);
  const io = fakeDeps({
    env: { ...host.env, ...options.env },
    keyring: host.keyring,
    browser,
    terminal: options.terminal,
    keychainAddonFails: options.keychainAddonFails,
    stdoutTerminal: options.stdoutTerminal,
    stdinText: options.stdin,
  });
  let found: (url: URL) => void;
  const signInUrl = new Promise<URL>((resolve) => (found = resolve));
  io.deps.stderr.on('data', () => {
    const match = /^ {2}(https?:\/\/\S+\/oidc\/auth\?\S+)$/m.exec(io.output().err);
    if (match) found(new URL(match[1]!));
  });
  const exit = main(args, io.deps).then(async (code) => {
    // A page the browser was still loading belongs to this run: let it finish first.
    await browser.settled();
    return code;
  });
  return {
    exit,
    stdout: () => io.output().out,
    stderr: () => io.output().err,
    signInUrl,
    interrupt: io.interrupt,
    type: (text) => void io.type(text),
    browser,
  };
}

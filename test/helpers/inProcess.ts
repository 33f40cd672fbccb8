import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
}

export function fakeHost(env: NodeJS.ProcessEnv = {}): FakeHost {
  const root = mkdtempSync(join(tmpdir(), 'hflogin-inprocess-'));
  const configDir = join(root, 'config');
  const profile = `p-${randomBytes(5).toString('hex')}`;
  return {
    root,
    configDir,
    profile,
    keyring: new MemoryKeyring(),
    env: {
      HFLOGIN_CONFIG_DIR: configDir,
      HFLOGIN_PROFILE: profile,
      BROWSER: fakeBrowserCommand,
      NO_COLOR: '1',
      ...env,
    },
  };
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
  /** What the person does in the browser hflogin opens: by default, sign in as alice-hf. */
  browser?: BrowserDecision;
  /** On a terminal (stdin and stderr are TTYs); by default, as in a script. */
  terminal?: boolean;
  /** The keychain's native addon fails to load, with this error. */
  keychainAddonFails?: Error;
}

/** `hflogin <args>` on the fake host, in this process: `main(argv, fakeDeps(…))`. */
export function hflogin(host: FakeHost, args: string[], options: RunOptions = {}): InProcessRun {
  const browser = new FakeBrowser(options.browser);
  const io = fakeDeps({
    env: { ...host.env, ...options.env },
    keyring: host.keyring,
    browser,
    terminal: options.terminal,
    keychainAddonFails: options.keychainAddonFails,
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

/** The store hflogin itself opens for `kind` on this host (its keychain, or its config directory). */
export function hostStore(host: FakeHost, kind: StorageKind): Promise<SecretStore> {
  return fakeDeps({ keyring: host.keyring }).deps.openStore(kind, host.configDir);
}

/** The host's stored session of its profile, or null. */
export async function storedSession(host: FakeHost, kind: StorageKind): Promise<StoredSession | null> {
  const text = await (await hostStore(host, kind)).load(host.profile);
  return text === null ? null : parseSession(text);
}

/** Rewrites the stored session with its access token expired `ago` ms ago; returns what it wrote. */
export async function expireSession(host: FakeHost, kind: StorageKind, ago = 1_000): Promise<StoredSession> {
  const session = (await storedSession(host, kind))!;
  const expired: StoredSession = {
    ...session,
    accessTokenExpiresAt: new Date(Date.now() - ago).toISOString(),
  };
  await (await hostStore(host, kind)).save(host.profile, serializeSession(expired));
  return expired;
}

/** A signed-in profile on the host without a browser (test/helpers/seedSession.ts), in its own store. */
export async function seedHostSession(
  emulator: Emulator,
  host: FakeHost,
  storage: StorageKind,
  request?: Parameters<typeof seedSignedInSession>[2],
  profile = host.profile,
): Promise<StoredSession> {
  return seedSignedInSession(
    emulator,
    { configDir: host.configDir, profile, storage, store: await hostStore(host, storage) },
    request,
  );
}

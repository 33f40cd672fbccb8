import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const hfloginBin = fileURLToPath(new URL('../../bin/hflogin.cjs', import.meta.url));

export interface HfloginRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the sign-in URL once hflogin has printed it (the listener is up by then). */
  signInUrl: Promise<URL>;
  exit: Promise<number | null>;
}

export const recordBrowser = fileURLToPath(new URL('./recordBrowser.mjs', import.meta.url));

/**
 * Runs the built CLI as a user would. `$BROWSER` is the recorder (test/helpers/recordBrowser.mjs)
 * unless `env` says otherwise; tests play the browser themselves with Chromium.
 */
export function runHflogin(args: string[], env: NodeJS.ProcessEnv): HfloginRun {
  // HFLOGIN_BIN runs another build of hflogin: an installed package's bin, or the single binary.
  const command = env.HFLOGIN_BIN
    ? /\.c?js$/.test(env.HFLOGIN_BIN) || env.HFLOGIN_BIN.includes('node_modules')
      ? [process.execPath, env.HFLOGIN_BIN]
      : [env.HFLOGIN_BIN]
    : [process.execPath, hfloginBin];
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    env: { ...process.env, BROWSER: recordBrowser, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let found: (url: URL) => void;
  const signInUrl = new Promise<URL>((resolve) => (found = resolve));
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const match = /^ {2}(https?:\/\/\S+\/oidc\/auth\?\S+)$/m.exec(stderr);
    if (match) found(new URL(match[1]!));
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, signInUrl, exit };
}

/**
 * A private config dir (not created: hflogin makes it) and a profile name no other test uses, since
 * the keychain is shared; `browserLog` is where the recorder $BROWSER writes.
 */
export function isolatedProfile(): {
  root: string;
  configDir: string;
  browserLog: string;
  profile: string;
  env: NodeJS.ProcessEnv;
} {
  const root = mkdtempSync(join(tmpdir(), 'hflogin-e2e-'));
  const configDir = join(root, 'config');
  const browserLog = join(root, 'browser.log');
  const profile = `e2e-${randomBytes(5).toString('hex')}`;
  return {
    root,
    configDir,
    browserLog,
    profile,
    env: { HFLOGIN_CONFIG_DIR: configDir, HFLOGIN_PROFILE: profile, HFLOGIN_TEST_BROWSER_LOG: browserLog },
  };
}

/**
 * The arguments the recorder $BROWSER was started with (its first run): it runs detached, so its
 * log may appear a moment after hflogin says it opened a browser, and be empty for an instant
 * before its line is written.
 */
export async function recordedBrowserArgv(browserLog: string, timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = existsSync(browserLog) ? readFileSync(browserLog, 'utf8').split('\n') : [];
    if (lines.length >= 2) return JSON.parse(lines[0]!) as string[];
    if (Date.now() > deadline) throw new Error(`the recorder $BROWSER wrote nothing to ${browserLog}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

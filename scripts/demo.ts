// `npm run demo`: `hflogin login`, `whoami` and `logout` against the bundled emulator.
// With a display, your own browser opens: pick a Hugging Face user on the emulator's page. Without
// one (CI, SSH, containers), headless Chromium plays the person (scripts/demo-browser.mjs).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { KeychainStore } from '../src/storage/keychainStore.js';
import { napiKeyringBackend } from '../src/storage/napiKeyring.js';
import { startEmulator } from '../test/emulator/index.js';

const bin = fileURLToPath(new URL('../bin/hflogin.cjs', import.meta.url));
const headlessBrowser = fileURLToPath(new URL('./demo-browser.mjs', import.meta.url));
const chromium = process.env.HFLOGIN_CHROMIUM ?? '/usr/bin/chromium';

function hflogin(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  console.log(`\n$ hflogin ${args.join(' ')}`);
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

async function keychainProblem(): Promise<string | undefined> {
  try {
    await new KeychainStore(await napiKeyringBackend()).check();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const hasDisplay =
  process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const emulator = await startEmulator();
const configDir = mkdtempSync(join(tmpdir(), 'hflogin-demo-'));
const env: NodeJS.ProcessEnv = { ...process.env, HFLOGIN_CONFIG_DIR: configDir, HFLOGIN_PROFILE: 'demo' };
const loginArgs = ['login', '--endpoint', emulator.endpoint, '--app-id', emulator.appId];

console.log(`The emulator (a Logto-compatible provider) is running at ${emulator.endpoint}.`);
const problem = await keychainProblem();
if (problem) {
  console.log(
    `No usable OS keychain here (${problem}); the demo keeps its session in a 0600 file (--storage file).`,
  );
  loginArgs.push('--storage', 'file');
}
if (hasDisplay && !process.env.CI) {
  console.log("Your browser will open on Hugging Face (the emulator's): pick a user to sign in.");
} else if (existsSync(chromium)) {
  console.log('No display: headless Chromium plays the person and picks alice-hf.');
  env.BROWSER = headlessBrowser;
} else {
  console.log(`No display and no Chromium (${chromium}): open the printed URL in a browser on this machine.`);
  loginArgs.push('--no-browser');
}

let code: number;
try {
  code = await hflogin(loginArgs, env);
  if (code === 0) code = await hflogin(['whoami'], env);
  if (code === 0) code = await hflogin(['logout'], env);
} finally {
  await emulator.close();
  rmSync(configDir, { recursive: true, force: true });
}
process.exitCode = code;

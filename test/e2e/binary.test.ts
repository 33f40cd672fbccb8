import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../emulator/index.js';
import { chromiumAvailability, launchChromium } from '../helpers/chromium.js';
import { expectRefused } from '../helpers/hostile.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';
import { requireSystemPiece, secretServiceMissing } from '../helpers/systemPieces.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const binary = join(root, 'dist', `hflogin-${process.platform}-${process.arch}`);
const chromium = chromiumAvailability();
const keychain = requireSystemPiece('Secret Service (gnome-keyring)', secretServiceMissing());

/**
 * The single executable (npm run build:binary), built from the Node that runs the tests, with the
 * keychain's native addon embedded: login → whoami → logout against the emulator and gnome-keyring.
 */
describe.skipIf(chromium.skip || keychain.skip)('single binary', () => {
  let emulator: Emulator;
  let browser: Browser;
  const isolated = isolatedProfile();
  const cache = join(isolated.root, 'cache');
  const env = { ...isolated.env, HFLOGIN_BIN: binary, XDG_CACHE_HOME: cache };

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build-binary.mjs'], { cwd: root, stdio: 'pipe' });
    emulator = await startEmulator();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });

  it('runs on its own: --version needs no Node and no node_modules', () => {
    expect(execFileSync(binary, ['--version'], { encoding: 'utf8', env: { PATH: '/nonexistent' } })).toMatch(
      /^\d+\.\d+\.\d+/,
    );
  });

  it('signs in, says who, and signs out, with the session in the OS keychain', async () => {
    const run = runHflogin(['login', '--endpoint', emulator.endpoint, '--app-id', emulator.appId], env);
    const page = await browser.newPage();
    await page.goto((await run.signInUrl).href);
    await page.click('#hf-user-alice-hf');
    await page.locator('#hflogin-success').waitFor();
    expect(await run.exit).toBe(0);
    await page.close();

    // The native addon was extracted once, under its checksum.
    const extracted = readdirSync(join(cache, 'hflogin'));
    expect(extracted).toEqual([expect.stringMatching(/^keyring-[0-9a-f]{32}\.node$/)]);

    const whoami = runHflogin(['whoami', '--json'], env);
    expect(await whoami.exit).toBe(0);
    expect(JSON.parse(whoami.stdout())).toMatchObject({
      huggingface: { username: 'alice-hf' },
      session: { storage: 'keychain' },
    });

    // A cached addon that does not match the checksum is replaced, not loaded.
    writeFileSync(join(cache, 'hflogin', extracted[0]!), 'not a shared object');
    const again = runHflogin(['status'], env);
    expect(await again.exit).toBe(0);

    // A cache directory another user may write is refused (exit 2) before anything in it is loaded.
    chmodSync(join(cache, 'hflogin'), 0o770);
    const shared = runHflogin(['status'], env);
    const sharedExit = await shared.exit;
    expectRefused('group-writable addon cache directory (single binary)', sharedExit === 2);
    expect(shared.stderr()).toContain(
      `The addon cache directory ${join(cache, 'hflogin')} is writable by its group`,
    );
    chmodSync(join(cache, 'hflogin'), 0o700);

    const logout = runHflogin(['logout'], env);
    expect(await logout.exit).toBe(0);
    expect(logout.stderr()).toContain('the session was revoked');
    expect(existsSync(binary)).toBe(true);
  });
});

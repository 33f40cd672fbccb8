import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { beforeAll, describe, expect, it } from 'vitest';

import { parseSession } from '../../src/session/session.js';
import { chromiumAvailability, useChromium } from '../helpers/chromium.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';
import { expectRefused } from '../helpers/hostile.js';
import { storeFor } from '../helpers/seedSession.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';
import { bundleHelper } from '../helpers/bundleHelper.js';

const chromium = chromiumAvailability();

let attacker = '';
beforeAll(async () => {
  attacker = await bundleHelper('csrfAttacker');
});

/**
 * Login CSRF by another local user (#14), with real processes: hflogin, its $BROWSER (the
 * recorder), another user's process reading the browser's argv and delivering his own code, and
 * Chromium as the person's browser, which follows /start and keeps its cookie.
 */
describe.skipIf(chromium.skip)('login CSRF from another local process', () => {
  const emulator = useEmulator();
  const browser = useChromium();

  it("another process reads the browser's argv, signs in as bob and delivers his code: refused; Chromium completes as alice", async () => {
    const isolated = isolatedProfile();
    const run = runHflogin(loginArgs(emulator, '--storage', 'file'), isolated.env);
    const bob = promisify(execFile)(process.execPath, [
      attacker,
      isolated.browserLog,
      emulator.issuer,
      emulator.appId,
    ]);
    const printed = await run.signInUrl;
    const { stdout } = await bob;
    const report = JSON.parse(stdout) as {
      argv: string[];
      stateFromArgv: string | null;
      withState: number;
      withoutState: number;
    };
    // The browser's whole command line: one loopback link, nothing secret in it.
    expect(report.argv).toHaveLength(1);
    expect(report.argv[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/start\/[\w-]{43}$/);
    expect(report.stateFromArgv).toBeNull();
    for (const secret of ['state', 'nonce', 'code_challenge'])
      expect(report.argv[0]).not.toContain(printed.searchParams.get(secret)!);
    expectRefused(
      "another local user delivers his own code, learned from the browser's argv, to the loopback",
      report.withState === 400 && report.withoutState === 400,
    );
    expect(run.child.exitCode).toBeNull();

    // The person's browser opens what it was handed: /start, then the provider, then back with the cookie.
    await browser.page.goto(report.argv[0]!);
    await browser.page.click('#hf-user-alice-hf');
    await browser.page.locator('#hflogin-success').waitFor();
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('Signed in as alice-hf (Hugging Face)');
    expect(run.stderr()).toContain('Ignored a callback that does not belong to this sign-in');
    const session = await (await storeFor('file', isolated.configDir)).load(isolated.profile);
    expect(parseSession(session!).huggingface?.username).toBe('alice-hf');
  }, 60_000);
});

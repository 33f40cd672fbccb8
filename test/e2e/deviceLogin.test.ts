import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseSession } from '../../src/session/session.js';
import { chromiumAvailability, useChromium } from '../helpers/chromium.js';
import { isolatedProfile, runHflogin, type HfloginRun } from '../helpers/hfloginProcess.js';
import { storeFor } from '../helpers/seedSession.js';
import { deviceLoginArgs, useEmulator } from '../helpers/useEmulator.js';

const chromium = chromiumAvailability();

/**
 * `hflogin login --device`: the code is approved on the emulator's device pages in Chromium. Where
 * nobody approves it (expiry, --timeout, a missing app ID): test/inprocess/deviceLogin.test.ts.
 */
describe.skipIf(chromium.skip)('device flow sign-in', () => {
  const emulator = useEmulator();
  const browser = useChromium();
  let isolated: ReturnType<typeof isolatedProfile>;

  beforeEach(() => {
    isolated = isolatedProfile();
    // Fast polling for tests: the emulator advertises a 1 s interval.
    emulator.options.deviceFlow = { interval: 1, slowDown: true };
  });
  afterEach(() => {
    emulator.options.deviceFlow = { interval: null, slowDown: false };
  });

  const loginDevice = (...args: string[]) =>
    runHflogin(deviceLoginArgs(emulator, '--storage', 'file', ...args), isolated.env);

  async function verificationUrl(run: HfloginRun): Promise<{ url: string; code: string }> {
    // The last line of the device instructions: the URL, code and QR code are all out by then.
    await expect.poll(() => run.stderr(), { timeout: 15_000 }).toMatch(/Waiting for approval/);
    const url = /^ {2}(http\S+\/device\?user_code=\S+)$/m.exec(run.stderr())![1]!;
    const code = /^ {2}Code: (\S+)$/m.exec(run.stderr())![1]!;
    return { url, code };
  }

  it('shows the URL, the code and a QR code, polls, and saves the session like a browser sign-in', async () => {
    const run = loginDevice();
    const { url, code } = await verificationUrl(run);
    expect(url).toBe(`${emulator.endpoint}/device?user_code=${encodeURIComponent(code)}`);
    expect(run.stderr()).toMatch(/[▀▄█]{20,}/);

    await browser.page.goto(url);
    await browser.page.locator('#device-confirm-page').waitFor();
    expect(await browser.page.locator('#device-user-code-shown').textContent()).toBe(code);
    await browser.page.click('#device-confirm');
    await browser.page.click('#hf-user-alice-hf');
    await browser.page.locator('#device-success-page').waitFor();

    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain(
      `Signed in as alice-hf (Hugging Face) to ${new URL(emulator.endpoint).host}`,
    );
    // direct_sign_in reaches Hugging Face in the device flow too: Logto's sign-in page never showed.
    expect(browser.visited).toContain('/oauth/authorize');
    expect(browser.visited).not.toContain('/sign-in');

    const session = parseSession(
      (await (await storeFor('file', isolated.configDir)).load(isolated.profile))!,
    );
    expect(session).toMatchObject({ appId: emulator.deviceAppId, huggingface: { username: 'alice-hf' } });
    expect(session.refreshToken).toBeTypeOf('string');
    expect(session.scopes).toContain('offline_access');

    // Later commands use it like any session (refreshes go through the device-flow app).
    await (
      await storeFor('file', isolated.configDir)
    ).save(isolated.profile, JSON.stringify({ ...session, accessTokenExpiresAt: new Date(0).toISOString() }));
    const whoami = runHflogin(['whoami'], isolated.env);
    expect(await whoami.exit).toBe(0);
    expect(whoami.stdout()).toContain('Hugging Face: alice-hf');
  });

  it('backs off 5 s more after slow_down', async () => {
    emulator.options.deviceFlow = { interval: 1, slowDown: true, slowDownPolls: 1 };
    const started = Date.now();
    const run = loginDevice();
    const { url, code } = await verificationUrl(run);
    await browser.page.goto(url);
    await browser.page.click('#device-confirm');
    await browser.page.click('#hf-user-alice-hf');
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('poll less often: every 6 s');
    // This sign-in's device code: the emulator keeps every code this file's tests polled.
    const deviceCode = Object.values(emulator.stats.devicePolls).find(
      (times) => times[0]! >= started && times.length >= 2,
    );
    expect(deviceCode).toBeDefined();
    // After the slow_down, the next poll came no sooner than the new 6 s interval.
    expect(deviceCode![1]! - deviceCode![0]!).toBeGreaterThanOrEqual(6_000 - 50);
    expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
  }, 30_000);

  /** The device codes this test's run was given (the emulator is shared by the file's tests). */
  function newDeviceCodes(before: Set<string>): string[] {
    return Object.keys(emulator.stats.devicePolls).filter((code) => !before.has(code));
  }

  it('stops polling on Ctrl+C: exit 130, no poll after', async () => {
    const before = new Set(Object.keys(emulator.stats.devicePolls));
    const run = loginDevice();
    await verificationUrl(run);
    await expect.poll(() => newDeviceCodes(before), { timeout: 10_000 }).toHaveLength(1);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    const exitedAt = Date.now();
    await sleep(2_000);
    expect(emulator.stats.devicePolls[newDeviceCodes(before)[0]!]!.every((time) => time <= exitedAt)).toBe(
      true,
    );
  });

  it('carries --resource in the device authorization, so the session can get tokens for that API', async () => {
    const api = 'https://api.example.com';
    const run = loginDevice('--resource', api);
    const { url } = await verificationUrl(run);
    const authorization = emulator.stats.deviceAuthorizations.at(-1);
    expect(authorization?.clientId).toBe(emulator.deviceAppId);
    expect(authorization?.params.resource).toEqual([api]);
    expect(authorization?.params.direct_sign_in).toEqual(['social:huggingface']);

    await browser.page.goto(url);
    await browser.page.click('#device-confirm');
    await browser.page.click('#hf-user-alice-hf');
    await browser.page.locator('#device-success-page').waitFor();
    expect(await run.exit).toBe(0);

    const token = runHflogin(['token', '--resource', api, '--json'], isolated.env);
    expect(await token.exit).toBe(0);
    expect(JSON.parse(token.stdout())).toMatchObject({ resource: api });
  });

  it('rides out HTTP 500s while polling, retrying (shown with --debug), and signs in once they stop', async () => {
    const before = new Set(Object.keys(emulator.stats.devicePolls));
    const run = loginDevice('--debug');
    const { url } = await verificationUrl(run);
    emulator.options.networkFault = 'http_500';
    try {
      await expect.poll(() => run.stderr(), { timeout: 15_000 }).toMatch(/\(retry 2\)/);
    } finally {
      emulator.options.networkFault = null;
    }
    await browser.page.goto(url);
    await browser.page.click('#device-confirm');
    await browser.page.click('#hf-user-alice-hf');
    await browser.page.locator('#device-success-page').waitFor();

    expect(await run.exit).toBe(0);
    expect(run.stderr()).toMatch(
      /debug: The device sign-in: \S+ answered HTTP 500\. Polling again in 1 s \(retry 1\)/,
    );
    expect(run.stderr()).toMatch(/Polling again in 2 s \(retry 2\)/);
    expect(run.stderr()).toContain('Signed in as alice-hf (Hugging Face)');
    expect(newDeviceCodes(before)).toHaveLength(1);
    // --debug shows the retries, never a token.
    expect(run.stderr()).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    for (const token of emulator.stats.issuedTokens) expect(run.stderr()).not.toContain(token);
  });

  it('exits 1 when the person cancels on the device page', async () => {
    const run = loginDevice();
    const { url } = await verificationUrl(run);
    await browser.page.goto(url);
    await browser.page.click('#device-abort');
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain('denied on the device page');
  });
});

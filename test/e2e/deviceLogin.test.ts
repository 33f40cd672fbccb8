import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseSession } from '../../src/session/session.js';
import { chromiumAvailability, useChromium } from '../helpers/chromium.js';
import { isolatedProfile, runHflogin, type HfloginRun } from '../helpers/hfloginProcess.js';
import { storeFor } from '../helpers/seedSession.js';
import { deviceLoginArgs, useEmulator } from '../helpers/useEmulator.js';

const chromium = chromiumAvailability();

/**
 * `hflogin login --device` as a person sees it: the binary's output, and the code approved on the
 * emulator's device pages in Chromium. Polling, slow_down, retries, --resource, cancelling, Ctrl+C
 * and expiry, with the other device played over HTTP: test/inprocess/deviceLogin.test.ts.
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
});

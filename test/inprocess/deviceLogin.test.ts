import { describe, expect, it } from 'vitest';

import { approveDevice, cancelDevice } from '../helpers/deviceApproval.js';
import { pageId } from '../helpers/httpUserAgent.js';
import { fakeHost, hflogin } from '../helpers/inProcess.js';
import { useDeviceLogin } from './deviceFixture.js';

/**
 * `hflogin login --device`, the person on the other device played over HTTP
 * (test/helpers/deviceApproval.ts): approvals, refusals and what the session can do after. Waits
 * (--timeout, slow_down, Ctrl+C while polling): deviceWaits.test.ts. The device pages themselves,
 * in Chromium: test/e2e/deviceLogin.test.ts.
 */
describe('device flow sign-in', () => {
  const { emulator, loginDevice, loginDeviceOn, shownCode, newDeviceCodes } = useDeviceLogin();

  it('exits 124 when the code expires before anyone approves it', async () => {
    emulator.options.ttl.deviceCode = 2;
    const run = loginDevice();
    expect(await run.exit).toBe(124);
    expect(run.stderr()).toContain('The device code expired before the sign-in was approved');
  });

  it('exits 2 without a device-flow app ID, naming how to give one', async () => {
    const run = hflogin(fakeHost({ HFLOGIN_DEVICE_APP_ID: '' }), [
      'login',
      '--device',
      '--endpoint',
      emulator.endpoint,
      '--storage',
      'file',
    ]);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('--device-app-id');
    expect(run.stderr()).toContain('HFLOGIN_DEVICE_APP_ID');
  });

  it('carries --resource in the device authorization, so the session can get tokens for that API', async () => {
    const api = 'https://api.example.com';
    const host = fakeHost();
    const run = loginDeviceOn(host, '--resource', api);
    const { url } = await shownCode(run);
    const authorization = emulator.stats.deviceAuthorizations.at(-1);
    expect(authorization?.clientId).toBe(emulator.deviceAppId);
    expect(authorization?.params.resource).toEqual([api]);
    expect(authorization?.params.direct_sign_in).toEqual(['social:huggingface']);

    expect(pageId((await approveDevice(url)).body)).toBe('device-success-page');
    expect(await run.exit).toBe(0);

    const token = hflogin(host, ['token', '--resource', api, '--json']);
    expect(await token.exit).toBe(0);
    expect(JSON.parse(token.stdout())).toMatchObject({ resource: api });
  });

  it('rides out HTTP 500s while polling, retrying (shown with --debug), and signs in once they stop', async () => {
    const before = new Set(Object.keys(emulator.stats.devicePolls));
    const run = loginDevice('--debug');
    const { url } = await shownCode(run);
    emulator.options.networkFault = 'http_500';
    try {
      await expect.poll(() => run.stderr(), { timeout: 15_000 }).toMatch(/\(retry 2\)/);
    } finally {
      emulator.options.networkFault = null;
    }
    expect(pageId((await approveDevice(url)).body)).toBe('device-success-page');

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
    const { url } = await shownCode(run);
    await cancelDevice(url);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain('denied on the device page');
  });
});

import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { approveDevice, cancelDevice } from '../helpers/deviceApproval.js';
import { pageId } from '../helpers/httpUserAgent.js';
import { fakeHost, hflogin, type FakeHost, type InProcessRun } from '../helpers/inProcess.js';
import { deviceLoginArgs, useEmulator } from '../helpers/useEmulator.js';

/**
 * `hflogin login --device`, the person on the other device played over HTTP
 * (test/helpers/deviceApproval.ts). The device pages themselves, in Chromium:
 * test/e2e/deviceLogin.test.ts.
 */
describe('device flow sign-in', () => {
  const emulator = useEmulator();
  beforeEach(() => {
    // Fast polling for tests: the emulator advertises a 1 s interval.
    emulator.options.deviceFlow = { interval: 1, slowDown: true };
  });
  afterEach(() => {
    emulator.options.deviceFlow = { interval: null, slowDown: false };
    emulator.options.ttl.deviceCode = 600;
  });

  const loginDevice = (...args: string[]) => loginDeviceOn(fakeHost(), ...args);
  const loginDeviceOn = (host: FakeHost, ...args: string[]) =>
    hflogin(host, deviceLoginArgs(emulator, '--storage', 'file', ...args));

  /** The complete verification URI and the code, once hflogin has shown them (and started polling). */
  async function shownCode(run: InProcessRun): Promise<{ url: string; code: string }> {
    await expect.poll(() => run.stderr(), { timeout: 15_000 }).toMatch(/Waiting for approval/);
    const url = /^ {2}(http\S+\/device\?user_code=\S+)$/m.exec(run.stderr())![1]!;
    const code = /^ {2}Code: (\S+)$/m.exec(run.stderr())![1]!;
    return { url, code };
  }

  /** The device codes this test's run was given (the emulator is shared by the file's tests). */
  function newDeviceCodes(before: Set<string>): string[] {
    return Object.keys(emulator.stats.devicePolls).filter((code) => !before.has(code));
  }

  it('exits 124 when the code expires before anyone approves it', async () => {
    emulator.options.ttl.deviceCode = 2;
    const run = loginDevice();
    expect(await run.exit).toBe(124);
    expect(run.stderr()).toContain('The device code expired before the sign-in was approved');
  });

  it('ends at --timeout when it comes before the code expires: exit 124, saying so, no poll after', async () => {
    const before = new Set(Object.keys(emulator.stats.devicePolls));
    const startedAt = Date.now();
    const run = loginDevice('--timeout', '5', '--json');
    expect(await run.exit).toBe(124);
    const exitedAt = Date.now();
    expect(exitedAt - startedAt).toBeGreaterThanOrEqual(5_000);
    // The message states the real deadline: the 5 s of --timeout, not the code's 10 minutes.
    expect(run.stderr()).toContain('Waiting for approval (times out in 5 s;');
    expect(run.stderr()).not.toContain('10 min');
    expect(run.stderr()).toContain('Timed out after 5 s waiting for the device sign-in');
    const events = run
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.find((event) => event.event === 'waiting')).toMatchObject({
      for: 'device',
      timeoutSeconds: 5,
    });
    expect(events.at(-1)).toMatchObject({ event: 'error', code: 'timed_out', exitCode: 124 });

    const codes = newDeviceCodes(before);
    expect(codes).toHaveLength(1);
    const polls = emulator.stats.devicePolls[codes[0]!]!;
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((time) => time <= exitedAt)).toBe(true);
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

  it('backs off 5 s more after slow_down', async () => {
    emulator.options.deviceFlow = { interval: 1, slowDown: true, slowDownPolls: 1 };
    const started = Date.now();
    const run = loginDevice();
    const { url, code } = await shownCode(run);
    await approveDevice(url);
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

  it('stops polling on Ctrl+C: exit 130, no poll after', async () => {
    const before = new Set(Object.keys(emulator.stats.devicePolls));
    const run = loginDevice();
    await shownCode(run);
    await expect.poll(() => newDeviceCodes(before), { timeout: 10_000 }).toHaveLength(1);
    run.interrupt();
    expect(await run.exit).toBe(130);
    const exitedAt = Date.now();
    await sleep(2_000);
    expect(emulator.stats.devicePolls[newDeviceCodes(before)[0]!]!.every((time) => time <= exitedAt)).toBe(
      true,
    );
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

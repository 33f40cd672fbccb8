import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { fakeHost, hflogin } from '../helpers/inProcess.js';
import { deviceLoginArgs, useEmulator } from '../helpers/useEmulator.js';

/**
 * `hflogin login --device` where nobody approves the code (approving it on the device pages, and
 * Ctrl+C while polling, are in test/e2e/deviceLogin.test.ts).
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

  const loginDevice = (...args: string[]) =>
    hflogin(fakeHost(), deviceLoginArgs(emulator, '--storage', 'file', ...args));

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
});

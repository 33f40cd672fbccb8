import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { approveDevice } from '../helpers/deviceApproval.js';
import { useDeviceLogin } from './deviceFixture.js';

/** `hflogin login --device` waiting: --timeout, slow_down and Ctrl+C while polling. */
describe('device flow sign-in: waits', () => {
  const { emulator, loginDevice, shownCode, newDeviceCodes } = useDeviceLogin();

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
});

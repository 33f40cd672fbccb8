import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { useDeviceLogin } from './deviceFixture.js';

/** `hflogin login --device` waiting: --timeout, and Ctrl+C while polling (slow_down: deviceSlowDown.test.ts). */
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

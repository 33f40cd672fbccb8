import { describe, expect, it } from 'vitest';

import { approveDevice } from '../helpers/deviceApproval.js';
import { useDeviceLogin } from './deviceFixture.js';

/** `hflogin login --device` told to slow down: its own file, since it waits out a 6 s interval. */
describe('device flow sign-in: slow_down', () => {
  const { emulator, loginDevice, shownCode } = useDeviceLogin();

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
});

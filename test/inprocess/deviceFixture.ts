import { afterEach, beforeEach, expect } from 'vitest';

import { fakeHost, hflogin, type FakeHost, type InProcessRun } from '../helpers/inProcess.js';
import { deviceLoginArgs, useEmulator } from '../helpers/useEmulator.js';

/**
 * A file's device-flow fixture: its emulator (polling every second), `hflogin login --device` on a
 * fake host, and what the run showed. Two files use it so their waits run side by side.
 */
export function useDeviceLogin() {
  const emulator = useEmulator();
  beforeEach(() => {
    // Fast polling for tests: the emulator advertises a 1 s interval.
    emulator.options.deviceFlow = { interval: 1, slowDown: true };
  });
  afterEach(() => {
    emulator.options.deviceFlow = { interval: null, slowDown: false };
    emulator.options.ttl.deviceCode = 600;
  });

  const loginDeviceOn = (host: FakeHost, ...args: string[]) =>
    hflogin(host, deviceLoginArgs(emulator, '--storage', 'file', ...args));
  return {
    emulator,
    loginDeviceOn,
    loginDevice: (...args: string[]) => loginDeviceOn(fakeHost(), ...args),
    /** The complete verification URI and the code, once hflogin has shown them (and started polling). */
    async shownCode(run: InProcessRun): Promise<{ url: string; code: string }> {
      await expect.poll(() => run.stderr(), { timeout: 15_000 }).toMatch(/Waiting for approval/);
      const url = /^ {2}(http\S+\/device\?user_code=\S+)$/m.exec(run.stderr())![1]!;
      const code = /^ {2}Code: (\S+)$/m.exec(run.stderr())![1]!;
      return { url, code };
    },
    /** The device codes this test's run was given (the emulator is shared by the file's tests). */
    newDeviceCodes(before: Set<string>): string[] {
      return Object.keys(emulator.stats.devicePolls).filter((code) => !before.has(code));
    },
  };
}

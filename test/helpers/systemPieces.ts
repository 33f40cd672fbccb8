import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Tests that need a system piece (Chromium, a Secret Service, tinyproxy…) call this at collection
 * time. Locally a missing piece skips the tests with a visible reason; in CI
 * (HFLOGIN_TEST_STRICT=1) it throws, so the file fails instead of passing silently.
 */
export function requireSystemPiece(name: string, missingReason: string | undefined): { skip: boolean } {
  if (missingReason === undefined) return { skip: false };
  const message = `${name} unavailable: ${missingReason}`;
  if (process.env.HFLOGIN_TEST_STRICT === '1') {
    throw new Error(`${message} (HFLOGIN_TEST_STRICT=1 turns a missing system piece into a failure)`);
  }
  console.warn(`[skip] ${message}`);
  return { skip: true };
}

export const chromiumPath = process.env.HFLOGIN_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumMissing(): string | undefined {
  if (!existsSync(chromiumPath)) return `${chromiumPath} not found (apt-get install chromium)`;
  return undefined;
}

/** Why the Secret Service cannot be used from this process, or undefined when it can. */
export function secretServiceMissing(): string | undefined {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    return 'no D-Bus session (run through `npm test`, which starts one with gnome-keyring)';
  }
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `const { Entry } = require('@napi-rs/keyring');
       const e = new Entry('hflogin-test-probe', 'probe', { linux: { store: 'secret-service' } });
       e.setPassword('probe'); e.deleteCredential();`,
    ],
    { encoding: 'utf8', timeout: 20_000 },
  );
  if (probe.status !== 0)
    return `Secret Service not usable: ${(probe.stderr || probe.error?.message || '').trim()}`;
  return undefined;
}

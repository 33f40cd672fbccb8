import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../emulator/index.js';
import { makeCertificates } from '../helpers/certificates.js';
import { isolatedProfile, recordBrowser, runHflogin } from '../helpers/hfloginProcess.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix: string | null;
}

/** `hflogin doctor`: every check passes in a healthy setup, and each one fails when its piece is broken. */
describe('hflogin doctor', () => {
  let emulator: Emulator;
  let tlsEmulator: Emulator;
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    emulator = await startEmulator();
    const certificates = makeCertificates();
    tlsEmulator = await startEmulator({
      tls: { key: certificates.key, cert: certificates.cert, ca: certificates.ca },
    });
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    busy?.close();
    await tlsEmulator?.close();
    await emulator?.close();
  });

  /** A profile configured for `endpoint`, and the environment of a healthy desktop. */
  function setup(endpoint: string, profile: Record<string, string> = {}) {
    const isolated = isolatedProfile();
    mkdirSync(isolated.configDir, { recursive: true });
    writeFileSync(
      join(isolated.configDir, 'config.json'),
      JSON.stringify({
        schemaVersion: 1,
        profiles: {
          [isolated.profile]: { endpoint, appId: 'hflogin-native-app', storage: 'file', ...profile },
        },
      }),
    );
    return {
      ...isolated.env,
      BROWSER: recordBrowser,
      DISPLAY: ':0',
      HTTPS_PROXY: '',
      HTTP_PROXY: '',
      https_proxy: '',
      http_proxy: '',
    };
  }

  async function doctor(env: NodeJS.ProcessEnv, ...args: string[]) {
    const run = runHflogin(['doctor', '--json', ...args], env);
    const code = await run.exit;
    const report = JSON.parse(run.stdout()) as { schemaVersion: number; ok: boolean; checks: Check[] };
    return {
      code,
      report,
      failed: report.checks.filter((check) => !check.ok).map((check) => check.name),
      run,
    };
  }

  it('passes every check in a healthy setup (exit 0), one line each for people', async () => {
    const env = setup(emulator.endpoint);
    const { code, report } = await doctor(env);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => check.name)).toEqual([
      'tenant',
      'discovery',
      'clock',
      'tls',
      'keychain',
      'browser',
      'display',
      'proxy',
      'loopback',
    ]);
    const human = runHflogin(['doctor'], env);
    expect(await human.exit).toBe(0);
    expect(human.stdout().trim().split('\n')).toHaveLength(9);
    expect(human.stdout()).toMatch(/^✓ discovery {2}http:\/\/127\.0\.0\.1:\d+\/oidc answered in \d+ ms$/m);
  });

  const failures: Array<
    [
      string,
      () => Promise<{ env: NodeJS.ProcessEnv; args?: string[]; before?: () => void; after?: () => void }>,
    ]
  > = [
    ['tenant', async () => ({ env: setup(emulator.endpoint, { appId: '' }) })],
    ['discovery', async () => ({ env: setup('http://127.0.0.1:9') })],
    [
      'clock',
      async () => ({
        env: setup(emulator.endpoint),
        before: () => (emulator.options.clockSkewSeconds = 600),
        after: () => (emulator.options.clockSkewSeconds = 0),
      }),
    ],
    ['tls', async () => ({ env: { ...setup(tlsEmulator.endpoint), NODE_EXTRA_CA_CERTS: '' } })],
    [
      'keychain',
      async () => ({
        env: {
          ...setup(emulator.endpoint, { storage: 'keychain' }),
          DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
        },
      }),
    ],
    ['browser', async () => ({ env: { ...setup(emulator.endpoint), BROWSER: '/nonexistent/browser' } })],
    ['display', async () => ({ env: { ...setup(emulator.endpoint), DISPLAY: '', WAYLAND_DISPLAY: '' } })],
    [
      'proxy',
      async () => ({
        env: { ...setup(emulator.endpoint), HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' },
      }),
    ],
    ['loopback', async () => ({ env: setup(emulator.endpoint), args: ['--port', String(busyPort)] })],
  ];

  it.each(failures)('reports a broken %s with ✗, the fix, and exit 1', async (name, make) => {
    const { env, args = [], before, after } = await make();
    before?.();
    try {
      const { code, report, failed } = await doctor(env, ...args);
      expect(code).toBe(1);
      expect(failed).toContain(name);
      const check = report.checks.find((candidate) => candidate.name === name)!;
      expect(check.fix).toBeTruthy();
      if (name !== 'tls' && name !== 'discovery' && name !== 'tenant') expect(failed).toEqual([name]);
    } finally {
      after?.();
    }
  });
});

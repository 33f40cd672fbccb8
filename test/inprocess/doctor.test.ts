import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeCertificates } from '../helpers/certificates.js';
import { expectRefused } from '../helpers/hostile.js';
import { fakeHost, hflogin, type FakeHost } from '../helpers/inProcess.js';
import { useEmulator } from '../helpers/useEmulator.js';

interface Check {
  name: string;
  status: 'ok' | 'failed' | 'skipped' | 'note';
  detail: string;
  fix: string | null;
}

/** `hflogin doctor`: every check passes in a healthy setup, and each one fails when its piece is broken. */
describe('hflogin doctor', () => {
  const emulator = useEmulator();
  const tlsEmulator = useEmulator(() => {
    const certificates = makeCertificates();
    return { tls: { key: certificates.key, cert: certificates.cert, ca: certificates.ca } };
  });
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => {
    busy?.close();
  });

  /**
   * A profile configured for `endpoint`, on a healthy desktop: a display, a browser, no proxy (this
   * process was not started with the test CA, so the HTTPS emulator is untrusted here).
   */
  function setup(endpoint: string, profile: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) {
    const host = fakeHost({ DISPLAY: ':0', ...env });
    mkdirSync(host.configDir, { recursive: true });
    writeFileSync(
      join(host.configDir, 'config.json'),
      JSON.stringify({
        schemaVersion: 1,
        profiles: {
          [host.profile]: {
            endpoint,
            appId: 'hflogin-native-app',
            deviceAppId: 'hflogin-device-app',
            storage: 'file',
            ...profile,
          },
        },
      }),
    );
    return host;
  }

  async function doctor(host: FakeHost, ...args: string[]) {
    const run = hflogin(host, ['doctor', '--json', ...args]);
    const code = await run.exit;
    const printed = JSON.parse(run.stdout()) as {
      schemaVersion: number;
      ok: boolean;
      checks: (Check & { ok: boolean })[];
    };
    // Each check's first-version `ok` is false exactly when it failed; the tests read the rest.
    for (const check of printed.checks) expect(check.ok).toBe(check.status !== 'failed');
    const report = { ...printed, checks: printed.checks.map(({ ok: _ok, ...check }) => check as Check) };
    const named = (status: Check['status']) =>
      report.checks.filter((check) => check.status === status).map((check) => check.name);
    const check = (name: string) => report.checks.find((candidate) => candidate.name === name)!;
    return { code, report, failed: named('failed'), skipped: named('skipped'), notes: named('note'), check };
  }

  const names = [
    'tenant',
    'discovery',
    'clock',
    'tls',
    'app',
    'device-app',
    'connector',
    'keychain',
    'browser',
    'display',
    'proxy',
    'loopback',
  ];

  it('passes every check in a healthy setup (exit 0), one line each for people', async () => {
    const host = setup(emulator.endpoint);
    const { code, report, check } = await doctor(host);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((line) => line.name)).toEqual(names);
    expect(report.checks.map((line) => line.status)).toEqual(names.map(() => 'ok'));
    const endpointHost = new URL(emulator.endpoint).host;
    expect(check('app').detail).toMatch(
      new RegExp(
        `^${endpointHost} knows the app hflogin-native-app and accepts http://127\\.0\\.0\\.1:\\d+/callback$`,
      ),
    );
    expect(check('device-app').detail).toBe(`${endpointHost} knows the device-flow app hflogin-device-app`);
    expect(check('connector').detail).toBe(
      `"huggingface" is enabled in ${endpointHost}'s sign-in experience`,
    );
    const human = hflogin(host, ['doctor']);
    expect(await human.exit).toBe(0);
    expect(human.stdout().trim().split('\n')).toHaveLength(names.length);
    expect(human.stdout()).toMatch(/^✓ discovery {3}http:\/\/127\.0\.0\.1:\d+\/oidc answered in \d+ ms$/m);
  });

  const failures: Array<
    [string, () => { host: FakeHost; args?: string[]; before?: () => void; after?: () => void }]
  > = [
    ['tenant', () => ({ host: setup(emulator.endpoint, { appId: '', deviceAppId: '' }) })],
    ['discovery', () => ({ host: setup('http://127.0.0.1:9') })],
    [
      'clock',
      () => ({
        host: setup(emulator.endpoint),
        before: () => (emulator.options.clockSkewSeconds = 600),
        after: () => (emulator.options.clockSkewSeconds = 0),
      }),
    ],
    ['tls', () => ({ host: setup(tlsEmulator.endpoint, {}, { NODE_EXTRA_CA_CERTS: '' }) })],
    ['app', () => ({ host: setup(emulator.endpoint, { appId: 'no-such-app' }) })],
    ['device-app', () => ({ host: setup(emulator.endpoint, { deviceAppId: 'hflogin-native-app' }) })],
    [
      'keychain',
      () => {
        const host = setup(emulator.endpoint, { storage: 'keychain' });
        // What @napi-rs/keyring throws when the session bus does not exist.
        host.keyring.failWith = new Error('Platform failure: failed to connect to the D-Bus session bus');
        return { host };
      },
    ],
    ['loopback', () => ({ host: setup(emulator.endpoint), args: ['--port', String(busyPort)] })],
  ];

  // One cause, one ✗: what depends on it is skipped, saying where the cause is.
  it.each(failures)('reports a broken %s with ✗ and the fix, once, and exits 1', async (name, make) => {
    const { host, args = [], before, after } = make();
    before?.();
    try {
      const { code, failed, check } = await doctor(host, ...args);
      expect(code).toBe(1);
      expect(failed).toEqual([name]);
      expect(check(name).fix).toBeTruthy();
    } finally {
      after?.();
    }
  });

  it('a keychain that cannot be used, at a terminal: a note saying login will offer the 0600 file, exit 0', async () => {
    const host = setup(emulator.endpoint, { storage: 'keychain' });
    host.keyring.failWith = new Error('Platform failure: failed to connect to the D-Bus session bus');
    const run = hflogin(host, ['doctor', '--json'], { terminal: true });
    expect(await run.exit).toBe(0);
    const keychain = (JSON.parse(run.stdout()) as { checks: (Check & { ok: boolean })[] }).checks.find(
      (check) => check.name === 'keychain',
    );
    expect(keychain).toEqual({
      name: 'keychain',
      status: 'note',
      ok: true,
      detail:
        "The OS keychain cannot be used: there is no D-Bus session here (usual over SSH and in containers), so no Secret Service such as gnome-keyring can be reached. hflogin login will offer to keep this profile's session in a 0600 file instead.",
      fix: 'Start a Secret Service (e.g. gnome-keyring) in a D-Bus session, or sign in from a desktop session, or keep the session in a 0600 file: --storage file (this time; HFLOGIN_STORAGE=file) or hflogin config set storage file (from now on).',
    });
  });

  it('a wrong app ID fails the app check with the fix login gives', async () => {
    const { check } = await doctor(setup(emulator.endpoint, { appId: 'no-such-app' }));
    expect(check('app')).toEqual({
      name: 'app',
      status: 'failed',
      detail: `${new URL(emulator.endpoint).host} has no app with the ID "no-such-app" (Logto answered invalid_client).`,
      fix: 'Use the App ID of your Native app (Logto Console → Applications → your app → "App ID"), then hflogin login --app-id <App ID> (or hflogin config set app-id <App ID>).',
    });
  });

  it('without an endpoint, says so once: the checks that need the tenant are skipped, naming why', async () => {
    const { code, failed, skipped, check } = await doctor(setup('', { endpoint: '' }));
    expect(code).toBe(1);
    expect(failed).toEqual(['tenant']);
    expect(skipped).toEqual(['discovery', 'clock', 'tls', 'app', 'device-app', 'connector']);
    for (const name of ['discovery', 'clock', 'tls', 'connector'])
      expect(check(name).detail).toBe('no endpoint to check (see tenant)');
    const human = hflogin(setup('', { endpoint: '' }), ['doctor']);
    expect(await human.exit).toBe(1);
    expect(human.stdout()).toMatch(/^– clock {7}skipped: no endpoint to check \(see tenant\)$/m);
  });

  it('an unreachable endpoint is one failure: clock, app, device app and connector are skipped', async () => {
    const { failed, skipped, check } = await doctor(setup('http://127.0.0.1:9'));
    expect(failed).toEqual(['discovery']);
    expect(skipped).toEqual(['clock', 'app', 'device-app', 'connector']);
    expect(check('app').detail).toBe('could not reach 127.0.0.1:9 (see discovery)');
  });

  it('a broken proxy in the way of an https tenant is the one failure; the tenant checks say so', async () => {
    const host = setup('https://tenant.example.test', {}, { HTTPS_PROXY: 'http://127.0.0.1:9' });
    const { code, failed, skipped, check } = await doctor(host);
    expect(code).toBe(1);
    expect(failed).toEqual(['proxy']);
    expect(skipped).toEqual(['discovery', 'clock', 'tls', 'app', 'device-app', 'connector']);
    expect(check('discovery').detail).toBe(
      'tenant.example.test is reached through the proxy, which is broken (see proxy)',
    );
  });

  it('only the device-flow app configured: a note that only --device can sign in, exit 0', async () => {
    const { code, notes, skipped, check } = await doctor(setup(emulator.endpoint, { appId: '' }));
    expect(code).toBe(0);
    expect(notes).toEqual(['tenant']);
    expect(skipped).toEqual(['app']);
    expect(check('tenant').detail).toContain('only hflogin login --device can sign in');
  });

  it('no device-flow app configured: the device-app check is skipped, saying what needs one', async () => {
    const { code, check } = await doctor(setup(emulator.endpoint, { deviceAppId: '' }));
    expect(code).toBe(0);
    expect(check('device-app')).toEqual({
      name: 'device-app',
      status: 'skipped',
      detail:
        'no device-flow app ID configured (only login --device needs one: hflogin config set device-app-id <id>)',
      fix: null,
    });
  });

  it('a connector that is not enabled is a note with the Console path to enable it, exit 0', async () => {
    const host = setup(emulator.endpoint, { connector: 'github' });
    const { code, notes, check } = await doctor(host);
    expect(code).toBe(0);
    expect(notes).toEqual(['connector']);
    expect(check('connector')).toEqual({
      name: 'connector',
      status: 'note',
      detail: `"github" is not enabled in ${new URL(emulator.endpoint).host}'s sign-in experience (enabled: "huggingface"), so Logto shows its own sign-in page instead`,
      fix: 'Enable it in Logto Console → Sign-in experience → Sign-up and sign-in → Social sign-in; or choose another: hflogin config set connector <target>.',
    });
    const human = hflogin(host, ['doctor']);
    expect(await human.exit).toBe(0);
    expect(human.stdout()).toMatch(/^! connector {3}"github" is not enabled/m);
    expect(human.stdout()).toMatch(/^ {14}fix: Enable it in Logto Console → Sign-in experience/m);

    const none = await doctor(setup(emulator.endpoint, { connector: 'none' }));
    expect(none.check('connector')).toMatchObject({
      status: 'skipped',
      detail: 'no connector is preselected (connector = none)',
    });
  });

  it('no display without $BROWSER: a note naming paste-back and --device, exit 0', async () => {
    const host = setup(emulator.endpoint, {}, { BROWSER: '', DISPLAY: '', WAYLAND_DISPLAY: '' });
    const { code, notes, check } = await doctor(host);
    expect(code).toBe(0);
    expect(notes).toEqual(['display']);
    expect(check('browser')).toMatchObject({
      status: 'skipped',
      detail: 'none can open without a display (see display)',
    });
    expect(check('display')).toEqual({
      name: 'display',
      status: 'note',
      detail: 'no graphical display (DISPLAY and WAYLAND_DISPLAY are unset), so no browser opens here',
      fix: 'Sign in anyway: open the URL hflogin prints in any browser and paste back the address it ends on, forward the port (ssh -L), or use hflogin login --device. Or set BROWSER.',
    });
  });

  it('a set $BROWSER makes the display irrelevant: no display is then no concern', async () => {
    const host = setup(emulator.endpoint, {}, { DISPLAY: '', WAYLAND_DISPLAY: '' });
    const { code, notes, check } = await doctor(host);
    expect(code).toBe(0);
    expect(notes).toEqual([]);
    expect(check('browser').status).toBe('ok');
    expect(check('display')).toMatchObject({
      status: 'skipped',
      detail: 'hflogin runs $BROWSER, whatever the display',
    });
  });

  it('a $BROWSER that is not a program is a note (the URL is printed instead), exit 0', async () => {
    const { code, notes, check } = await doctor(
      setup(emulator.endpoint, {}, { BROWSER: '/nonexistent/browser' }),
    );
    expect(code).toBe(0);
    expect(notes).toEqual(['browser']);
    expect(check('browser').fix).toBe('Point BROWSER at your browser, or unset it.');
  });

  it('over SSH without $BROWSER, says no browser will open and how to sign in anyway, exit 0', async () => {
    const host = setup(emulator.endpoint, {}, { BROWSER: '', SSH_CONNECTION: '10.0.0.2 50000 10.0.0.1 22' });
    const { code, notes, check } = await doctor(host);
    expect(code).toBe(0);
    expect(notes).toEqual(['browser']);
    expect(check('browser')).toEqual({
      name: 'browser',
      status: 'note',
      detail: 'none will be opened: this is an SSH session, so a browser would open on the remote machine',
      fix: 'Sign in anyway: open the URL hflogin prints in any browser and paste back the address it ends on, forward the port (ssh -L), or use hflogin login --device. Or set BROWSER.',
    });
    expect(check('display').status).toBe('skipped');
  });

  // Node accepts any certificate when NODE_TLS_REJECT_UNAUTHORIZED is exactly "0": nothing is trusted then.
  it('fails the TLS check while certificate verification is disabled, with the fix', async () => {
    for (const endpoint of [emulator.endpoint, 'http://127.0.0.1:9']) {
      const host = setup(endpoint, {}, { NODE_TLS_REJECT_UNAUTHORIZED: '0' });
      const { code, report } = await doctor(host);
      const tls = report.checks.find((check) => check.name === 'tls')!;
      expect(code).toBe(1);
      expectRefused(
        `doctor reports TLS as trusted with NODE_TLS_REJECT_UNAUTHORIZED=0 (${endpoint})`,
        tls.status === 'failed',
      );
      expect(tls.detail).toContain('certificate verification is disabled (NODE_TLS_REJECT_UNAUTHORIZED=0)');
      expect(tls.fix).toContain('Unset NODE_TLS_REJECT_UNAUTHORIZED');
    }
    const { failed } = await doctor(setup(emulator.endpoint, {}, { NODE_TLS_REJECT_UNAUTHORIZED: '0' }));
    expect(failed).toEqual(['tls']);
    const human = hflogin(setup(emulator.endpoint, {}, { NODE_TLS_REJECT_UNAUTHORIZED: '0' }), ['doctor']);
    expect(await human.exit).toBe(1);
    expect(human.stdout()).toMatch(/^✗ tls +certificate verification is disabled/m);
    expect(human.stdout()).toMatch(/fix: Unset NODE_TLS_REJECT_UNAUTHORIZED/);
  });

  it.each(['1', '', 'false', '00', ' 0'])(
    'keeps a passing TLS check with NODE_TLS_REJECT_UNAUTHORIZED=%j (Node verifies unless it is exactly "0")',
    async (value) => {
      const { code, failed } = await doctor(
        setup(emulator.endpoint, {}, { NODE_TLS_REJECT_UNAUTHORIZED: value }),
      );
      expect(code).toBe(0);
      expect(failed).toEqual([]);
    },
  );

  // A proxy URL may carry a password; one that does not parse may hold it anywhere.
  it.each([
    [
      'http://user:s3cr3t-pw@127.0.0.1:9',
      '127.0.0.1:9 (with credentials, not shown) (from HTTP_PROXY) is not reachable',
    ],
    [
      'http://s3cr3t-token@127.0.0.1:9',
      '127.0.0.1:9 (with credentials, not shown) (from HTTP_PROXY) is not reachable',
    ],
    ['user:s3cr3t-pw@proxy:3128', 'HTTP_PROXY is not an http(s) URL with a host'],
    ['http://user:s3cr3t pw@pro xy:3128', 'HTTP_PROXY is not an http(s) URL with a host'],
    ['socks5://user:s3cr3t-pw@127.0.0.1:1080', 'HTTP_PROXY is not an http(s) URL with a host'],
    ['s3cr3t-pw', 'HTTP_PROXY is not an http(s) URL with a host'],
  ])('reports a broken proxy %j without printing its password', async (proxy, detail) => {
    // NO_PROXY exempts the tenant: a note (the sign-in does not use the proxy), exit 0.
    const host = setup(emulator.endpoint, {}, { HTTP_PROXY: proxy, NO_PROXY: '127.0.0.1' });
    const { code, report, notes, check } = await doctor(host);
    const human = hflogin(host, ['doctor']);
    await human.exit;
    expect(code).toBe(0);
    expect(notes).toEqual(['proxy']);
    expect(check('proxy').detail).toContain(detail);
    expect(check('proxy').detail).toMatch(/; not used for 127\.0\.0\.1:\d+ \(NO_PROXY\)$/);
    const printed = JSON.stringify(report) + human.stdout() + human.stderr();
    expectRefused(`doctor prints the password of HTTP_PROXY=${proxy}`, !printed.includes('s3cr3t'));
  });

  it('names the lower-case variable when that is the one in force', async () => {
    const host = setup(emulator.endpoint, {}, { http_proxy: 'nonsense', NO_PROXY: '127.0.0.1' });
    const { check } = await doctor(host);
    expect(check('proxy')).toMatchObject({
      status: 'note',
      detail: `http_proxy is not an http(s) URL with a host (its value is not shown: it may hold a password); not used for ${new URL(emulator.endpoint).host} (NO_PROXY)`,
      fix: 'Set http_proxy to http://host:port (or http://user:password@host:port).',
    });
  });
});

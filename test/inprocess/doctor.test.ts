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
  ok: boolean;
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
        profiles: { [host.profile]: { endpoint, appId: 'hflogin-native-app', storage: 'file', ...profile } },
      }),
    );
    return host;
  }

  async function doctor(host: FakeHost, ...args: string[]) {
    const run = hflogin(host, ['doctor', '--json', ...args]);
    const code = await run.exit;
    const report = JSON.parse(run.stdout()) as { schemaVersion: number; ok: boolean; checks: Check[] };
    return { code, report, failed: report.checks.filter((check) => !check.ok).map((check) => check.name) };
  }

  it('passes every check in a healthy setup (exit 0), one line each for people', async () => {
    const host = setup(emulator.endpoint);
    const { code, report } = await doctor(host);
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
    const human = hflogin(host, ['doctor']);
    expect(await human.exit).toBe(0);
    expect(human.stdout().trim().split('\n')).toHaveLength(9);
    expect(human.stdout()).toMatch(/^✓ discovery {2}http:\/\/127\.0\.0\.1:\d+\/oidc answered in \d+ ms$/m);
  });

  const failures: Array<
    [string, () => { host: FakeHost; args?: string[]; before?: () => void; after?: () => void }]
  > = [
    ['tenant', () => ({ host: setup(emulator.endpoint, { appId: '' }) })],
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
    [
      'keychain',
      () => {
        const host = setup(emulator.endpoint, { storage: 'keychain' });
        // What @napi-rs/keyring throws when the session bus does not exist.
        host.keyring.failWith = new Error('Platform failure: failed to connect to the D-Bus session bus');
        return { host };
      },
    ],
    ['browser', () => ({ host: setup(emulator.endpoint, {}, { BROWSER: '/nonexistent/browser' }) })],
    ['display', () => ({ host: setup(emulator.endpoint, {}, { DISPLAY: '', WAYLAND_DISPLAY: '' }) })],
    [
      'proxy',
      () => ({
        host: setup(emulator.endpoint, {}, { HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1' }),
      }),
    ],
    ['loopback', () => ({ host: setup(emulator.endpoint), args: ['--port', String(busyPort)] })],
  ];

  it.each(failures)('reports a broken %s with ✗, the fix, and exit 1', async (name, make) => {
    const { host, args = [], before, after } = make();
    before?.();
    try {
      const { code, report, failed } = await doctor(host, ...args);
      expect(code).toBe(1);
      expect(failed).toContain(name);
      const check = report.checks.find((candidate) => candidate.name === name)!;
      expect(check.fix).toBeTruthy();
      if (name !== 'tls' && name !== 'discovery' && name !== 'tenant') expect(failed).toEqual([name]);
    } finally {
      after?.();
    }
  });

  it('over SSH without $BROWSER, says no browser will open and how to sign in anyway', async () => {
    const host = setup(emulator.endpoint, {}, { BROWSER: '', SSH_CONNECTION: '10.0.0.2 50000 10.0.0.1 22' });
    const { code, report, failed } = await doctor(host);
    expect(code).toBe(1);
    expect(failed).toEqual(['browser']);
    expect(report.checks.find((check) => check.name === 'browser')).toEqual({
      name: 'browser',
      status: 'failed',
      ok: false,
      detail: 'none will be opened: this is an SSH session, so a browser would open on the remote machine',
      fix: 'Use paste-back, ssh -L, or hflogin login --device; or set BROWSER.',
    });
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
        !tls.ok,
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
  ])('fails the proxy check for %j without printing its password', async (proxy, detail) => {
    const host = setup(emulator.endpoint, {}, { HTTP_PROXY: proxy, NO_PROXY: '127.0.0.1' });
    const { code, report, failed } = await doctor(host);
    const human = hflogin(host, ['doctor']);
    await human.exit;
    expect(code).toBe(1);
    expect(failed).toEqual(['proxy']);
    const check = report.checks.find((candidate) => candidate.name === 'proxy')!;
    expect(check.detail).toContain(detail);
    const printed = JSON.stringify(report) + human.stdout() + human.stderr();
    expectRefused(`doctor prints the password of HTTP_PROXY=${proxy}`, !printed.includes('s3cr3t'));
  });

  it('names the lower-case variable when that is the one in force', async () => {
    const host = setup(emulator.endpoint, {}, { http_proxy: 'nonsense', NO_PROXY: '127.0.0.1' });
    const { report } = await doctor(host);
    expect(report.checks.find((check) => check.name === 'proxy')).toMatchObject({
      ok: false,
      detail: 'http_proxy is not an http(s) URL with a host (its value is not shown: it may hold a password)',
      fix: 'Set http_proxy to http://host:port (or http://user:password@host:port).',
    });
  });
});

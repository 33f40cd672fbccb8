import { createServer, type AddressInfo } from 'node:net';

import { afterAll, beforeEach, describe, expect, it } from 'vitest';

import { assertValid } from '../helpers/jsonSchemas.js';
import { freePort } from '../helpers/freePort.js';

import type { StoredSession } from '../../src/session/session.js';
import { fakeHost, hflogin, type FakeHost } from '../helpers/inProcess.js';
import { useEmulator } from '../helpers/useEmulator.js';

/** HFLOGIN_HTTP_TIMEOUT for a run: the HTTP client is built from the command's environment. */
function httpTimeout(seconds: string): NodeJS.ProcessEnv {
  return { HFLOGIN_HTTP_TIMEOUT: seconds };
}

/** Network faults: clear exits, and the stored session untouched (TLS and a real proxy: test/e2e/network.test.ts). */
describe('network faults: clear exits, and the stored session untouched', () => {
  const emulator = useEmulator({ slowMs: 3_000 });
  let host: FakeHost;
  const survived: string[] = [];
  afterAll(() => {
    console.log(`[network] faults survived: ${survived.join(', ')}`);
  });
  beforeEach(() => {
    host = fakeHost();
    emulator.options.networkFault = null;
  });

  /** The host's (file-stored) session with an expired access token, so commands refresh. */
  async function expiredSession() {
    const session = await host.seed(emulator, 'file');
    const store = await host.store('file');
    await store.save(
      host.profile,
      JSON.stringify({ ...session, accessTokenExpiresAt: new Date(0).toISOString() } satisfies StoredSession),
    );
    return { store, before: await store.load(host.profile) };
  }

  it.each([
    ['slow', 5, /did not answer in time/],
    ['http_500', 5, /answered HTTP 500/],
    ['malformed_json', 1, /JSON/],
  ] as const)('%s → exit %i', async (fault, code, message) => {
    const { store, before } = await expiredSession();
    emulator.options.networkFault = fault;
    const run = hflogin(host, ['token'], { env: httpTimeout('1') });
    expect(await run.exit).toBe(code);
    expect(run.stderr()).toMatch(message);
    expect(run.stdout()).toBe('');
    expect(await store.load(host.profile)).toBe(before);
    survived.push(fault);
  });

  it('DNS failure → exit 5', async () => {
    const run = hflogin(
      host,
      ['login', '--endpoint', 'https://hflogin-test.invalid', '--app-id', 'x', '--storage', 'file'],
      { env: httpTimeout('5') },
    );
    expect(await run.exit).toBe(5);
    expect(run.stderr()).toMatch(/cannot reach hflogin-test\.invalid|did not answer in time/);
    survived.push('dns');
  });

  /**
   * A proxy that is down (nothing listens on its port) or refuses to tunnel: the error names the
   * proxy and the variable it came from, never its password, and says the tenant was not reached.
   */
  it('a dead proxy is blamed on the proxy, named without its credentials (exit 5)', async () => {
    const port = await freePort();
    const run = hflogin(
      host,
      ['login', '--endpoint', 'https://tenant.logto.app', '--app-id', 'x', '--storage', 'file', '--json'],
      { env: { HTTPS_PROXY: `http://proxyuser:s3cret-pw@127.0.0.1:${port}`, ...httpTimeout('5') } },
    );
    expect(await run.exit).toBe(5);
    expect(run.stderr()).toContain(
      `Error: Discovery: cannot connect to the proxy http://127.0.0.1:${port} (from HTTPS_PROXY): ECONNREFUSED; tenant.logto.app was not reached.`,
    );
    expect(run.stderr()).toContain(
      'Hint: Check that the proxy is running and that HTTPS_PROXY names it, or unset HTTPS_PROXY to connect directly',
    );
    expect(run.stdout() + run.stderr()).not.toMatch(/s3cret|proxyuser/);
    const events = run
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    for (const event of events) assertValid('login-event', event);
    expect(events.at(-1)).toMatchObject({ event: 'error', code: 'network', exitCode: 5 });
    survived.push('dead proxy');
  });

  it.each([
    [
      407,
      /the proxy http:\/\/127\.0\.0\.1:\d+ \(from https_proxy\) wants credentials \(HTTP 407\)/,
      /user and password in https_proxy/,
    ],
    [
      502,
      /the proxy http:\/\/127\.0\.0\.1:\d+ \(from https_proxy\) could not open a tunnel to tenant\.logto\.app \(HTTP 502\)/,
      /add tenant\.logto\.app to NO_PROXY/,
    ],
  ])('a proxy answering CONNECT with %i is named as what refused (exit 5)', async (status, message, hint) => {
    const proxy = createServer((socket) =>
      socket.once('data', () => socket.end(`HTTP/1.1 ${status} No\r\ncontent-length: 0\r\n\r\n`)),
    );
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      // doctor's discovery check goes through the proxy and says what refused.
      const doctor = hflogin(host, ['doctor', '--json'], {
        env: {
          https_proxy: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
          HFLOGIN_ENDPOINT: 'https://tenant.logto.app',
          HFLOGIN_APP_ID: 'x',
        },
      });
      expect(await doctor.exit).toBe(1);
      const report = JSON.parse(doctor.stdout()) as {
        checks: Array<{ name: string; detail: string; fix: string }>;
      };
      const discovery = report.checks.find((check) => check.name === 'discovery')!;
      expect(discovery.detail).toMatch(message);
      expect(discovery.fix).toMatch(hint);
    } finally {
      proxy.close();
    }
  });
});

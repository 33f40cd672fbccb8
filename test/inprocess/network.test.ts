import { afterAll, beforeEach, describe, expect, it } from 'vitest';

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
});

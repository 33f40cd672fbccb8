import { writeFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { FileStore } from '../../src/storage/fileStore.js';
import type { Emulator } from '../emulator/index.js';
import { fakeHost, hflogin, type FakeHost } from '../helpers/inProcess.js';
import { useEmulator } from '../helpers/useEmulator.js';

/** Whether Logto would still honour the stored refresh token: the grant is alive. */
async function grantAlive(emulator: Emulator, host: FakeHost) {
  const session = (await host.session('keychain'))!;
  const grantId = (await emulator.provider.RefreshToken.find(session.refreshToken!))?.grantId;
  return grantId !== undefined && emulator.grantAlive(grantId);
}

/**
 * The session is the product: a grant is never lost (a refresh answer that fails its checks) and a
 * session never serves another tenant or another account. What needs several processes (racing
 * refreshes, Ctrl+C, kill -9) is in test/e2e/sessionTrust.test.ts and crashSafety.test.ts.
 */
describe('the session is never lost or crossed', () => {
  const tenantA = useEmulator();
  const tenantB = useEmulator();
  // No reuse grace: any rotated-out token presented again revokes the grant at once.
  const strict = useEmulator({ refreshTokenReuseIntervalSeconds: 0 });

  describe('two tenants, two config directories, one keychain', () => {
    it('each sees its own user; logout in one leaves the other; another tenant in force is refused', async () => {
      // The same profile name in both: before, both used the one keychain item `session:<profile>`.
      const a = fakeHost();
      const b = fakeHost({}, a);
      await a.seed(tenantA, 'keychain', { user: 'alice-hf' });
      await b.seed(tenantB, 'keychain', { user: 'somchai-hf' });

      const whoamiA = hflogin(a, ['whoami', '--json']);
      const whoamiB = hflogin(b, ['whoami', '--json']);
      expect([await whoamiA.exit, await whoamiB.exit]).toEqual([0, 0]);
      const userA = JSON.parse(whoamiA.stdout()) as { endpoint: string; huggingface: { username: string } };
      const userB = JSON.parse(whoamiB.stdout()) as { endpoint: string; huggingface: { username: string } };
      expect([userA.endpoint, userA.huggingface.username]).toEqual([tenantA.endpoint, 'alice-hf']);
      expect([userB.endpoint, userB.huggingface.username]).toEqual([tenantB.endpoint, 'somchai-hf']);

      // Tenant B named in force over A's config directory: refused, A's token never printed.
      const crossed = hflogin(a, ['token'], { env: { HFLOGIN_ENDPOINT: tenantB.endpoint } });
      expect(await crossed.exit).toBe(2);
      expect(crossed.stdout()).toBe('');
      expect(crossed.stderr()).toContain(tenantA.endpoint);
      expect(crossed.stderr()).toContain(tenantB.endpoint);
      expect(crossed.stderr()).toContain('hflogin login');
      const status = hflogin(a, ['status'], { env: { HFLOGIN_ENDPOINT: tenantB.endpoint } });
      expect(await status.exit).toBe(2);

      const logoutB = hflogin(b, ['logout']);
      expect(await logoutB.exit).toBe(0);
      expect(await b.session('keychain')).toBeNull();
      const stillA = hflogin(a, ['whoami']);
      expect(await stillA.exit).toBe(0);
      expect(stillA.stdout()).toContain('alice-hf');

      // `config set endpoint` to another tenant, then `token`: refused too.
      const set = hflogin(a, ['config', 'set', 'endpoint', tenantB.endpoint]);
      expect(await set.exit).toBe(0);
      const afterSet = hflogin(a, ['token']);
      expect(await afterSet.exit).toBe(2);
      expect(afterSet.stdout()).toBe('');
    });
  });

  describe('refresh answers are checked like sign-ins', () => {
    it('a refresh whose ID token names another sub: exit 1, naming it, nothing saved', async () => {
      const host = fakeHost();
      await host.seed(tenantA, 'keychain');
      await host.expire('keychain');
      const before = await (await host.store('keychain')).load(host.profile);
      tenantA.options.refreshFault = 'id_token_other_sub';
      try {
        const run = hflogin(host, ['token']);
        expect(await run.exit).toBe(1);
        expect(run.stdout()).toBe('');
        expect(run.stderr()).toContain('another user');
        expect(run.stderr()).toContain('Nothing was saved');
      } finally {
        tenantA.options.refreshFault = null;
      }
      expect(await (await host.store('keychain')).load(host.profile)).toBe(before);
    });

    it('an answer that fails a check after Logto rotated the token keeps the rotated refresh token: the grant lives', async () => {
      const host = fakeHost();
      await host.seed(strict, 'keychain');
      const expired = await host.expire('keychain');
      // The provider's clock is two hours behind: its ID token expired an hour ago, refused.
      strict.options.clockSkewSeconds = -7200;
      try {
        const run = hflogin(host, ['token']);
        expect(await run.exit).toBe(1);
        expect(run.stdout()).toBe('');
        expect(run.stderr()).toContain('The rotated refresh token was kept');
      } finally {
        strict.options.clockSkewSeconds = 0;
      }
      const kept = (await host.session('keychain'))!;
      expect(kept.refreshToken).not.toBe(expired.refreshToken);
      expect(kept.accessToken).toBe(expired.accessToken);
      // With the clocks agreeing again, the kept token refreshes: nothing was lost.
      const again = hflogin(host, ['token']);
      expect(await again.exit).toBe(0);
      expect(strict.stats.refreshTokenReuse).toBe(0);
      expect(await grantAlive(strict, host)).toBe(true);
    });
  });

  it('reports a damaged session file with exit 4 and a way out', async () => {
    const host = fakeHost();
    await host.seed(tenantA, 'file');
    writeFileSync(new FileStore(host.configDir).pathFor(host.profile), '{"schemaVersion":1,"endp');
    for (const command of [['whoami'], ['token']]) {
      const run = hflogin(host, command);
      expect(await run.exit).toBe(4);
      expect(run.stderr()).toContain('unreadable');
      expect(run.stderr()).toContain('hflogin login');
    }
    const logout = hflogin(host, ['logout']);
    expect(await logout.exit).toBe(0);
    expect(logout.stderr()).toContain('Removed an unreadable session');
  });
});

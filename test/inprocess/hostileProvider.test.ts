import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { Emulator } from '../emulator/index.js';
import { expectRefused } from '../helpers/hostile.js';
import { fakeHost, hflogin, type FakeHost } from '../helpers/inProcess.js';
import { deviceLoginArgs, loginArgs, useEmulator } from '../helpers/useEmulator.js';

/** Nothing stored: no profile, no session (file storage may have made its empty directory). */
function nothingStored(host: FakeHost): boolean {
  return (
    !existsSync(join(host.configDir, 'config.json')) &&
    !existsSync(join(host.configDir, 'sessions', `${host.profile}.json`))
  );
}

function reset(emulator: Emulator) {
  emulator.options.discoveryOverride = {};
  emulator.options.deviceAuthorizationOverride = {};
  emulator.options.tokenTypeOverride = null;
}

/**
 * A provider that hands hflogin hostile URLs or token types (issue #14): each is refused with
 * exit 1, a message naming what was wrong, before it is used, and nothing is stored. The emulator
 * serves Logto's correct answers with one field overridden.
 */
describe('a hostile provider', () => {
  const emulator = useEmulator({ deviceFlow: { interval: 1 } });
  afterEach(() => reset(emulator));

  describe('discovery URLs', () => {
    it('file: authorization endpoint: never handed to $BROWSER', async () => {
      emulator.options.discoveryOverride = { authorization_endpoint: 'file:///etc/passwd' };
      const host = fakeHost();
      const run = hflogin(host, loginArgs(emulator, '--storage', 'file'));
      expect(await run.exit).toBe(1);
      expectRefused('login with authorization_endpoint file:///etc/passwd', run.browser.opened.length === 0);
      expect(run.stderr()).toContain(
        "The provider's discovery document has authorization_endpoint file:///etc/passwd: hflogin only talks https",
      );
      expect(run.stderr()).not.toContain('client_id=');
      expect(nothingStored(host)).toBe(true);
    });

    it('an authorization endpoint on another origin: no browser, saying why', async () => {
      emulator.options.discoveryOverride = {
        authorization_endpoint: 'https://hugging-face.evil.example/oidc/auth',
      };
      const host = fakeHost();
      const run = hflogin(host, loginArgs(emulator, '--storage', 'file', '--json'));
      expect(await run.exit).toBe(1);
      expectRefused('login with authorization_endpoint on another origin', run.browser.opened.length === 0);
      expect(run.stdout()).not.toContain('"event":"url"');
      expect(run.stdout()).toContain('"code":"verification_failed"');
      expect(run.stderr()).toContain(
        `which is not on the issuer's origin ${new URL(emulator.endpoint).origin}`,
      );
      expect(nothingStored(host)).toBe(true);
    });

    it.each([
      ['token_endpoint', 'http://evil.example/oidc/token'],
      ['jwks_uri', 'javascript:alert(1)'],
      ['userinfo_endpoint', 'http://evil.example/oidc/me'],
    ])('%s %s: refused before the sign-in starts', async (field, value) => {
      emulator.options.discoveryOverride = { [field]: value };
      const host = fakeHost();
      const run = hflogin(host, loginArgs(emulator, '--storage', 'file'));
      expect(await run.exit).toBe(1);
      expectRefused(`login with ${field} ${value}`, run.browser.opened.length === 0 && nothingStored(host));
      expect(run.stderr()).toContain(`has ${field} ${value}`);
    });

    it('a refresh against a document turned hostile: refused, the session kept', async () => {
      const host = fakeHost();
      const seeded = await host.seed(emulator, 'file');
      await host.expire('file');
      emulator.options.discoveryOverride = { token_endpoint: 'http://evil.example/oidc/token' };
      const tokenRequests = emulator.stats.tokenRequests.refresh_token ?? 0;
      const run = hflogin(host, ['token']);
      expect(await run.exit).toBe(1);
      expect(run.stdout()).toBe('');
      expectRefused(
        'refresh with token_endpoint http://evil.example',
        (emulator.stats.tokenRequests.refresh_token ?? 0) === tokenRequests,
      );
      expect(run.stderr()).toContain('has token_endpoint http://evil.example/oidc/token');
      expect((await host.session('file'))?.refreshToken).toBe(seeded.refreshToken);
    });
  });

  describe('device verification URIs', () => {
    it.each([
      ['verification_uri', { verification_uri: 'https://hugging-face.evil.example/device' }],
      [
        'verification_uri_complete',
        { verification_uri_complete: 'https://hugging-face.evil.example/device?user_code=ABCD-EFGH' },
      ],
    ])('%s on another origin: refused before it is shown, QR-encoded or emitted', async (field, override) => {
      emulator.options.deviceAuthorizationOverride = override;
      const host = fakeHost();
      const run = hflogin(host, deviceLoginArgs(emulator, '--storage', 'file', '--json', '--timeout', '5'));
      expect(await run.exit).toBe(1);
      const shown =
        /open this page|Code:|[▀▄█]/.test(run.stderr()) || run.stdout().includes('"event":"device"');
      expectRefused(`device ${field} on another origin`, !shown);
      expect(run.stderr()).toContain(
        `The provider's device authorization has ${field} https://hugging-face.evil.example/device`,
      );
      expect(run.stderr()).toContain("which is not on the issuer's origin");
      expect(nothingStored(host)).toBe(true);
    });
  });

  describe('token types', () => {
    const tokenTypes: Array<[string, string | null]> = [
      ['DPoP', 'DPoP'],
      ['mac', 'mac'],
      ['missing', null],
    ];

    it.each(tokenTypes)(
      'code exchange answered with token_type %s: refused, nothing stored',
      async (name, tokenType) => {
        emulator.options.tokenTypeOverride = { grantType: 'authorization_code', tokenType };
        const host = fakeHost();
        const run = hflogin(host, loginArgs(emulator, '--storage', 'file', '--timeout', '10'));
        expect(await run.exit).toBe(1);
        expectRefused(`code exchange token_type ${name}`, nothingStored(host));
        expect(run.stderr()).toContain(
          tokenType === null ? 'answered with no token_type' : `answered with token_type "${tokenType}"`,
        );
        expect(run.stderr()).toContain('hflogin accepts only Bearer tokens');
      },
    );

    it.each(tokenTypes)(
      'refresh answered with token_type %s: refused, the rotated refresh token kept, the session never lost',
      async (name, tokenType) => {
        const host = fakeHost();
        await host.seed(emulator, 'keychain');
        const expired = await host.expire('keychain');
        emulator.options.tokenTypeOverride = { grantType: 'refresh_token', tokenType };
        const run = hflogin(host, ['token']);
        expect(await run.exit).toBe(1);
        expect(run.stdout()).toBe('');
        expect(run.stderr()).toContain('hflogin accepts only Bearer tokens');
        expect(run.stderr()).toContain('The rotated refresh token was kept');
        const kept = (await host.session('keychain'))!;
        expectRefused(`refresh token_type ${name}`, kept.accessToken === expired.accessToken);
        expect(kept.refreshToken).not.toBe(expired.refreshToken);

        // The provider behaves again: the kept refresh token works, nothing was lost.
        reset(emulator);
        const again = hflogin(host, ['token']);
        expect(await again.exit).toBe(0);
        expect(again.stdout().trim()).not.toBe(expired.accessToken);
        expect(emulator.stats.refreshTokenReuse).toBe(0);
      },
    );

    it('still signs in, and refreshes, with Logto\'s own "Bearer" (any case)', async () => {
      emulator.options.tokenTypeOverride = { grantType: 'authorization_code', tokenType: 'bearer' };
      const host = fakeHost();
      expect(await hflogin(host, loginArgs(emulator, '--storage', 'file')).exit).toBe(0);
      reset(emulator);
      await host.expire('file');
      expect(await hflogin(host, ['token']).exit).toBe(0);
    });
  });
});

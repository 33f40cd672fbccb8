import { beforeEach, describe, expect, it } from 'vitest';

import { serializeSession, type StoredSession } from '../../src/session/session.js';
import { FakeBrowser } from '../helpers/fakeDeps.js';
import { fakeHost, hflogin, type FakeHost, type RunOptions } from '../helpers/inProcess.js';
import { TestClient } from '../helpers/oidcClient.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';
import { assertValid } from '../helpers/jsonSchemas.js';

/**
 * Signing in again (the previous session named, and its grant revoked once the new one is saved),
 * `login --select-account` and `logout --browser`, in-process against the emulator.
 */
describe('signing in again, choosing the account, signing out of the browser', () => {
  const emulator = useEmulator();
  let host: FakeHost;
  beforeEach(() => {
    host = fakeHost();
  });

  const login = (args: string[] = [], options?: RunOptions) =>
    hflogin(host, loginArgs(emulator, ...args), options);
  const stored = async () => (await host.session('keychain'))!;
  const refreshStatus = async (refreshToken: string) => {
    const client = await TestClient.discover(emulator);
    const response = await client.refreshRaw(refreshToken);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const revocationsSince = (before: number) => emulator.stats.revocations.slice(before);

  it('names the session it replaces, and revokes its grant only once the new session is saved', async () => {
    expect(await login().exit).toBe(0);
    const alice = await stored();
    const grant = (await emulator.grantOf(alice.refreshToken!))!;
    const before = emulator.stats.revocations.length;

    // At the moment Logto hears the revocation, the keychain already holds the new session.
    // (Read as the revocation is answered: hflogin writes nothing until it has the answer.)
    const heldAtRevocation: Array<Promise<string>> = [];
    const listener = () =>
      void heldAtRevocation.push(host.session('keychain').then((session) => session?.user.id ?? 'nothing'));
    emulator.events.on('revocation', listener);
    const again = login(['--select-account', '--json'], { browser: { user: 'bob-hf' } });
    const code = await again.exit;
    emulator.events.off('revocation', listener);
    expect(code).toBe(0);

    const bob = await stored();
    expect(bob.huggingface?.username).toBe('bob-hf');
    const host_ = new URL(emulator.endpoint).host;
    expect(again.stderr()).toContain(
      `Replacing the session of alice-hf (Hugging Face) on ${host_} (profile "${host.profile}") once you have signed in.`,
    );
    expect(again.stderr()).toContain(
      `Signed in as bob-hf (Hugging Face) to ${host_} (was alice-hf (Hugging Face); that session was revoked)`,
    );
    // The refresh token, then the access token, of the old session; each found by Logto or gone with
    // the grant.
    expect(revocationsSince(before)).toEqual([
      { clientId: emulator.appId, tokenTypeHint: 'refresh_token', found: true },
      { clientId: emulator.appId, tokenTypeHint: 'access_token', found: false },
    ]);
    expect(await Promise.all(heldAtRevocation)).toEqual([bob.user.id, bob.user.id]);
    // The emulator confirms: the old grant is gone, the new one works.
    expect(emulator.grantAlive(grant)).toBe(false);
    expect(await refreshStatus(alice.refreshToken!)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect((await refreshStatus(bob.refreshToken!)).status).toBe(200);

    const signedIn = again
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((event) => event.event === 'signed-in');
    assertValid('login-event', signedIn);
    expect(signedIn?.replaced).toEqual({
      endpoint: emulator.endpoint,
      user: alice.user,
      huggingface: alice.huggingface,
      revocation: 'revoked',
    });
  });

  it('says `replaced: null` in the signed-in event of a first sign-in, and names nobody', async () => {
    const first = login(['--json']);
    expect(await first.exit).toBe(0);
    expect(first.stderr()).not.toContain('Replacing');
    const events = first
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.find((event) => event.event === 'signed-in')).toMatchObject({ replaced: null });
  });

  it('still signs in when the previous session cannot be revoked, and says so', async () => {
    expect(await login().exit).toBe(0);
    // The profile's previous session is of a tenant that no longer answers (nothing listens on port 9).
    const gone = { ...(await stored()), endpoint: 'http://127.0.0.1:9' };
    await (await host.store('keychain')).save(host.profile, serializeSession(gone));

    const again = login(['--json']);
    expect(await again.exit).toBe(0);
    expect((await stored()).endpoint).toBe(emulator.endpoint);
    expect(again.stderr()).toContain(
      `(was alice-hf (Hugging Face) on 127.0.0.1:9; that session was not revoked)\n` +
        'Could not revoke the previous session at 127.0.0.1:9, so it stays valid until it expires (--debug says why).\n',
    );
    expect(again.stdout()).toContain('"revocation":"failed"');
  });

  it('leaves the old session stored and its grant alive when the new sign-in fails', async () => {
    expect(await login().exit).toBe(0);
    const alice = await stored();
    const before = emulator.stats.revocations.length;

    const denied = login([], { browser: { decision: 'deny' } });
    expect(await denied.exit).toBe(1);
    expect(denied.stderr()).toContain('Replacing the session of alice-hf (Hugging Face)');

    expect(await stored()).toEqual(alice);
    expect(revocationsSince(before)).toEqual([]);
    expect(emulator.grantAlive((await emulator.grantOf(alice.refreshToken!))!)).toBe(true);
    expect((await refreshStatus(alice.refreshToken!)).status).toBe(200);
  });

  it('does not revoke the same account’s previous session, which Logto issued the new one on (one browser)', async () => {
    const browser = new FakeBrowser({ user: 'alice-hf' }, { keepsCookies: true });
    expect(await login([], { browser }).exit).toBe(0);
    const first = await stored();
    const before = emulator.stats.revocations.length;

    const again = login(['--debug'], { browser });
    expect(await again.exit).toBe(0);
    const second = await stored();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // Logto's browser session handed the new sign-in the old grant: revoking it would end both.
    expect(await emulator.grantOf(second.refreshToken!)).toBe(await emulator.grantOf(first.refreshToken!));
    expect(revocationsSince(before)).toEqual([]);
    expect(again.stderr()).toContain(
      "(replaced this account's previous session; it was not revoked, as Logto may share one grant between the two)",
    );
    expect(again.stderr()).toContain('To sign in as another Hugging Face account, add --select-account.');
    expect(again.stderr()).toMatch(/replaced session, of the same account and app, was not revoked/);
    expect((await refreshStatus(second.refreshToken!)).status).toBe(200);
  });

  it('--select-account sends prompt=login consent, reaches Hugging Face past Logto’s session, and still gets a refresh token', async () => {
    const browser = new FakeBrowser({ user: 'alice-hf' }, { keepsCookies: true });
    expect(await login([], { browser }).exit).toBe(0);

    // Without it, Logto's session signs alice straight back in, whatever the person would pick.
    browser.decision = { user: 'bob-hf' };
    expect(await login([], { browser }).exit).toBe(0);
    expect((await stored()).huggingface?.username).toBe('alice-hf');

    const before = emulator.stats.authorizationRequests.length;
    const chosen = login(['--select-account'], { browser });
    expect(await chosen.exit).toBe(0);
    // The sign-in's own request (login's app check before it asks with an unsupported response_type).
    const requests = emulator.stats.authorizationRequests
      .slice(before)
      .filter((request) => request.params.response_type?.[0] === 'code');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.clientId).toBe(emulator.appId);
    expect(requests[0]!.params.prompt).toEqual(['login consent']);
    expect(requests[0]!.params.scope).toEqual(['openid offline_access profile email identities']);
    expect(requests[0]!.params.direct_sign_in).toEqual(['social:huggingface']);

    const bob = await stored();
    expect(bob.huggingface?.username).toBe('bob-hf');
    expect(bob.refreshToken).toBeTypeOf('string');
    expect((await refreshStatus(bob.refreshToken!)).status).toBe(200);
  });

  it('logout --browser revokes, then opens the end-session URL with id_token_hint, and Logto’s session ends', async () => {
    const browser = new FakeBrowser({ user: 'alice-hf' }, { keepsCookies: true });
    expect(await login([], { browser }).exit).toBe(0);
    const alice: StoredSession = await stored();
    const sessions = emulator.browserSessions().length;
    const endSessions = emulator.stats.endSessions;
    const revocations = emulator.stats.revocations.length;

    const logout = hflogin(host, ['logout', '--browser', '--json'], { browser });
    expect(await logout.exit).toBe(0);
    expect(revocationsSince(revocations)[0]).toMatchObject({ tokenTypeHint: 'refresh_token', found: true });

    const opened = new URL(browser.opened.at(-1)!);
    expect(`${opened.origin}${opened.pathname}`).toBe(`${emulator.issuer}/session/end`);
    expect(Object.fromEntries(opened.searchParams)).toEqual({
      id_token_hint: alice.idToken,
      client_id: emulator.appId,
    });
    // Logto's session in that browser has ended, on its own signed-out page.
    expect(emulator.stats.endSessions).toBe(endSessions + 1);
    expect(emulator.browserSessions()).toHaveLength(sessions - 1);
    expect(browser.pages.at(-1)?.body).toContain('id="logged-out-page"');

    expect(logout.stderr()).toContain("sign-out page in your browser, to end Logto's session there too.");
    expect(logout.stdout() + logout.stderr()).not.toContain(alice.idToken!);
    assertValid('logout', JSON.parse(logout.stdout()));
    expect(JSON.parse(logout.stdout())).toMatchObject({
      profiles: [{ outcome: 'revoked', browserSignOut: { opened: true, url: null } }],
    });

    // The next sign-in in that browser reaches Hugging Face again.
    browser.decision = { user: 'bob-hf' };
    expect(await login([], { browser }).exit).toBe(0);
    expect((await stored()).huggingface?.username).toBe('bob-hf');
  });

  it('logout --browser where no browser opens prints the end-session URL without the ID token', async () => {
    expect(await login().exit).toBe(0);
    const alice = await stored();

    const logout = hflogin(host, ['logout', '--browser', '--json'], {
      env: { BROWSER: '/nonexistent/browser' },
    });
    expect(await logout.exit).toBe(0);
    const printed = new URL(`${emulator.issuer}/session/end`);
    printed.searchParams.set('client_id', emulator.appId);
    expect(logout.stderr()).toContain(
      `To end Logto's session in your browser too, open:\n  ${printed.href}\n`,
    );
    expect(logout.stdout() + logout.stderr()).not.toContain(alice.idToken!);
    assertValid('logout', JSON.parse(logout.stdout()));
    expect(JSON.parse(logout.stdout())).toMatchObject({
      profiles: [{ outcome: 'revoked', browserSignOut: { opened: false, url: printed.href } }],
    });
  });
});

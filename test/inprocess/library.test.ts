import { beforeEach, describe, expect, it } from 'vitest';

import {
  ErrorCode,
  ExitCode,
  getAccessToken,
  HfloginError,
  signIn,
  signOut,
  status,
  whoami,
  type SignInEvent,
} from '../../src/lib.js';
import { FakeBrowser } from '../helpers/fakeDeps.js';
import { fakeHost, hflogin, type FakeHost } from '../helpers/inProcess.js';
import { useEmulator } from '../helpers/useEmulator.js';

const api = 'https://api.example.com';

/** The error a call rejects with (failing the test if it resolves). */
async function failure(call: Promise<unknown>): Promise<HfloginError> {
  const error: unknown = await call.then(
    () => expect.unreachable('the call should have failed'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HfloginError);
  return error as HfloginError;
}

/**
 * The library (src/lib.ts) in this process, over real files (file storage in a private config
 * directory) against the in-process emulator: the same sessions as the CLI's. Many processes
 * racing one refresh: test/e2e/library.test.ts.
 */
describe('hflogin as a library', () => {
  const emulator = useEmulator({ refreshTokenReuseIntervalSeconds: 0 });
  let host: FakeHost;
  let where: { configDir: string; profile: string; storage: 'file' };
  const refreshes = () => emulator.stats.tokenRequests.refresh_token ?? 0;

  beforeEach(() => {
    host = fakeHost();
    where = { configDir: host.configDir, profile: host.profile, storage: 'file' };
  });

  it('signs in with the caller’s browser opener, then every call and the CLI share the session', async () => {
    const browser = new FakeBrowser({ user: 'alice-hf' });
    const events: SignInEvent[] = [];
    const messages: string[] = [];
    const signals = process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');
    const signedIn = await signIn({
      ...where,
      endpoint: emulator.endpoint,
      appId: emulator.appId,
      openBrowser: (url) => browser.open(url),
      onEvent: (event) => events.push(event),
      onMessage: (line) => messages.push(line),
    });
    await browser.settled();
    expect(signedIn).toEqual({
      profile: host.profile,
      endpoint: emulator.endpoint,
      user: expect.objectContaining({ id: 'u1alice00001' }),
      huggingface: expect.objectContaining({ username: 'alice-hf' }),
      storage: 'file',
      replaced: null,
    });
    expect(browser.opened).toHaveLength(1);
    expect(events.map((event) => event.event)).toEqual(['url', 'waiting', 'signed-in']);
    expect(events[0]).toMatchObject({ event: 'url', opened: true });
    expect(messages).toContain(`Signed in as alice-hf (Hugging Face) to ${new URL(emulator.endpoint).host}`);
    // A guest in the caller's process: no signal handler of its own.
    expect(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM')).toBe(signals);

    const token = await getAccessToken(where);
    expect(token).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresAt: expect.stringMatching(/^\d{4}-/),
      scope: 'openid offline_access profile email identities',
      resource: null,
      organization: null,
    });
    // The CLI on the same config directory prints the same token: one session.
    const cli = hflogin(host, ['token'], { env: { HFLOGIN_STORAGE: 'file' } });
    expect(await cli.exit).toBe(0);
    expect(cli.stdout()).toBe(`${token.accessToken}\n`);

    expect(await whoami(where)).toEqual({
      profile: host.profile,
      endpoint: emulator.endpoint,
      user: signedIn.user,
      huggingface: signedIn.huggingface,
      session: {
        accessTokenExpiresAt: token.expiresAt,
        scopes: ['openid', 'offline_access', 'profile', 'email', 'identities'],
        storage: 'file',
      },
    });
    const report = await status(where);
    expect(report.activeProfile).toBe(host.profile);
    expect(report.profiles).toEqual([
      expect.objectContaining({ name: host.profile, active: true, state: 'valid', storage: 'file' }),
    ]);

    const out = await signOut(where);
    expect(out.profiles).toEqual([expect.objectContaining({ profile: host.profile, outcome: 'revoked' })]);
    // status reports the state it is asked for, where `hflogin status` would exit 4.
    expect((await status(where)).profiles[0]!.state).toBe('signed-out');
    const notSignedIn = await failure(getAccessToken(where));
    expect(notSignedIn.code).toBe(ErrorCode.notSignedIn);
    expect(notSignedIn.exitCode).toBe(ExitCode.notSignedIn);
    expect(notSignedIn.hint).toMatch(/hflogin login/);
  });

  it('refreshes an expired token once, saves it, and gives resource tokens', async () => {
    await host.seed(emulator, 'file', {
      params: { resource: api, scope: 'openid offline_access profile email identities read:models' },
    });
    await host.expire('file');
    const before = refreshes();
    const first = await getAccessToken(where);
    expect(refreshes() - before).toBe(1);
    expect((await host.session('file'))!.accessToken).toBe(first.accessToken);
    expect(await getAccessToken(where)).toEqual(first);
    expect(refreshes() - before).toBe(1);

    const forApi = await getAccessToken({ ...where, resource: api });
    expect(forApi.resource).toBe(api);
    expect(forApi.organization).toBeNull();
    const [, payload] = forApi.accessToken.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString()).aud).toBe(api);
  });

  it('fails as the CLI does: code, exitCode and hint', async () => {
    await host.seed(emulator, 'file');
    const badResource = await failure(getAccessToken({ ...where, resource: 'not a uri' }));
    expect(badResource).toMatchObject({ code: ErrorCode.usage, exitCode: ExitCode.usage });
    expect(badResource.hint).not.toBe('');

    const badStorage = await failure(getAccessToken({ ...where, storage: 'floppy' as unknown as 'file' }));
    expect(badStorage).toMatchObject({ code: ErrorCode.usage, exitCode: ExitCode.usage });
    expect(badStorage.message).toBe('storage must be "keychain" or "file", not "floppy".');

    const badProfile = await failure(whoami({ ...where, profile: '../x' }));
    expect(badProfile.code).toBe(ErrorCode.invalidProfile);

    const badPort = await failure(signIn({ ...where, port: 70_000, openBrowser: false }));
    expect(badPort).toMatchObject({ code: ErrorCode.usage, exitCode: ExitCode.usage });

    const noTenant = await failure(signIn({ ...fakeWhere(), openBrowser: false }));
    expect(noTenant).toMatchObject({ code: ErrorCode.tenantMissing, exitCode: ExitCode.usage });
  });

  it('stops at the caller’s abort signal: interrupted, exitCode 130', async () => {
    await host.seed(emulator, 'file');
    const aborted = await failure(getAccessToken({ ...where, signal: AbortSignal.abort() }));
    expect(aborted).toMatchObject({ code: ErrorCode.interrupted, exitCode: ExitCode.interrupted });

    // A sign-in waiting for a browser that never comes back ends when the caller aborts.
    const controller = new AbortController();
    const waiting = signIn({
      ...fakeWhere(),
      endpoint: emulator.endpoint,
      appId: emulator.appId,
      openBrowser: () => undefined,
      onEvent: (event) => {
        if (event.event === 'waiting') controller.abort();
      },
      signal: controller.signal,
    });
    expect(await failure(waiting)).toMatchObject({ code: ErrorCode.interrupted, exitCode: 130 });
  });

  /** Another private config directory and profile, on file storage. */
  function fakeWhere() {
    const other = fakeHost();
    return { configDir: other.configDir, profile: other.profile, storage: 'file' as const };
  }
});

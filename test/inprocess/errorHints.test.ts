import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ApiOptions } from '../../src/commands/api/run.js';
import { runApi } from '../../src/commands/api/run.js';
import { ErrorCode } from '../../src/io/errorCodes.js';
import { parseCommandLine } from '../../src/program.js';
import { HfloginError } from '../../src/io/errors.js';
import { interrupted } from '../../src/io/wait.js';
import { codeExpired } from '../../src/oauth/deviceFlow.js';
import { protocolError } from '../../src/oauth/errors.js';
import { fetchUserinfo } from '../../src/oauth/userinfo.js';
import { profileStorage } from '../../src/session/profileStorage.js';
import { serializeSession, type StoredSession } from '../../src/session/session.js';
import { SessionOwner } from '../../src/session/sessionOwner.js';
import { withSessionLock } from '../../src/session/sessionLock.js';
import type { RefreshAnswer, TenantProvider } from '../../src/session/tenantProvider.js';
import { FileStore } from '../../src/storage/fileStore.js';
import { uninterruptible } from '../../src/io/interrupt.js';
import { defaultOptions } from '../emulator/options.js';
import { makeCertificates } from '../helpers/certificates.js';
import { fakeDeps } from '../helpers/fakeDeps.js';
import { fakeHttp } from '../helpers/fakeHttp.js';
import { freePort } from '../helpers/freePort.js';
import { browseToCallback, HttpUserAgent } from '../helpers/httpUserAgent.js';
import {
  fakeHost,
  hflogin,
  type FakeHost,
  type InProcessRun,
  type RunOptions,
} from '../helpers/inProcess.js';
import { assertValid } from '../helpers/jsonSchemas.js';
import { realMachine } from '../helpers/realMachine.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

/** What an error said: its code, its hint, and how it was caught. */
interface Raised {
  code: string;
  hint: string | null | undefined;
  exitCode: number;
}

/** The README's "Exit codes" table: which exit code each error code ends with. */
function documentedExitCodes(): Map<string, number> {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Exit codes'), readme.indexOf('## Tests'));
  const documented = new Map<string, number>();
  for (const row of section.split('\n').filter((line) => /^\| \d+ /.test(line))) {
    const cells = row.split(' | ');
    const exit = Number(/^\| (\d+)/.exec(row)![1]);
    for (const [, code] of cells.at(-1)!.matchAll(/`([a-z_]+)`/g)) documented.set(code!, exit);
  }
  return documented;
}

type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * "Every error ends with a hint" (the README), proven code by code: each ErrorCode maps to a way
 * of making hflogin raise it — a real command line in-process where one can, else the very function
 * that raises it — and the error it raises must carry that code and a non-empty hint. The table's
 * type names every code (a new code without a trigger does not compile), and a test checks it at
 * run time too, so nothing passes by being left out.
 */
describe('every error hflogin raises carries a hint', () => {
  // One app registers another redirect URI than hflogin's: redirect_uri_not_registered.
  const emulator = useEmulator({
    apps: [
      ...defaultOptions().apps,
      {
        id: 'app-without-loopback',
        name: 'registered elsewhere',
        kind: 'native' as const,
        redirectUris: ['http://127.0.0.1/other'],
      },
    ],
  });
  const tlsEmulator = useEmulator(() => {
    const certificates = makeCertificates();
    return { tls: { key: certificates.key, cert: certificates.cert, ca: certificates.ca } };
  });
  let silent: Server;
  let busy: Server;
  beforeAll(async () => {
    // Accepts connections and never answers: a request to it times out.
    silent = createServer(() => {});
    busy = createServer();
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    silent?.close();
    busy?.close();
  });
  const portOf = (server: Server) => (server.address() as AddressInfo).port;

  /** The error a --json run ended with: the error document (valid against its schema) or login's error event. */
  async function jsonError(run: InProcessRun): Promise<Raised> {
    await run.exit;
    const last = JSON.parse(run.stdout().trim().split('\n').at(-1)!) as Record<string, unknown>;
    if (last.event === 'error') {
      assertValid('login-event', last);
      return { code: last.code as string, hint: last.hint as string, exitCode: last.exitCode as number };
    }
    assertValid('error', last);
    const { code, hint, exitCode } = last.error as Raised;
    return { code, hint, exitCode };
  }
  const run = (host: FakeHost, args: string[], options?: RunOptions) =>
    jsonError(hflogin(host, [...args, '--json'], options));
  /** What a function throws (or returns), as raised. */
  async function thrown(raise: () => unknown): Promise<Raised> {
    try {
      const value = await raise();
      if (value instanceof HfloginError) return value;
    } catch (error) {
      if (error instanceof HfloginError) return error;
      throw error;
    }
    throw new Error('nothing was raised');
  }
  const login = (host: FakeHost, ...args: string[]) => loginArgs(emulator, '--storage', 'file', ...args);
  async function signedIn(change: (session: StoredSession) => StoredSession = (session) => session) {
    const host = fakeHost();
    const session = await host.seed(emulator, 'file');
    await (await host.store('file')).save(host.profile, serializeSession(change(session)));
    return host;
  }
  const expired = (session: StoredSession): StoredSession => ({
    ...session,
    accessTokenExpiresAt: new Date(Date.now() - 1_000).toISOString(),
  });
  function withConfigText(text: string): FakeHost {
    const host = fakeHost();
    mkdirSync(host.configDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(host.configDir, 'config.json'), text, { mode: 0o600 });
    return host;
  }

  /** A SessionOwner over a file store whose provider answers the audience's refresh with `audience`. */
  async function ownerWith(audience: () => never) {
    const configDir = mkdtempSync(join(tmpdir(), 'hflogin-hints-'));
    const store = new FileStore(configDir);
    const issuer = 'https://tenant.example/oidc';
    let rotation = 0;
    const answer = (): RefreshAnswer => ({
      accessToken: `at-${++rotation}`,
      tokenType: 'bearer',
      expiresIn: 3600,
      scope: ['openid', 'offline_access', 'urn:logto:scope:organizations'],
      refreshToken: `rt-${rotation}`,
      idToken: `id-${rotation}`,
      idTokenClaims: { sub: 'user-alice', iss: issuer, aud: 'app' },
    });
    const provider: TenantProvider = {
      prepareRefresh: async (session) => ({
        endpoint: session.endpoint,
        appId: session.appId,
        issuer,
        refresh: async (_token, wanted) => (wanted.organization ? audience() : answer()),
      }),
      revoke: async () => {},
      discover: () => Promise.reject(new Error('not here')),
    };
    const now = Date.now();
    await store.save(
      'default',
      serializeSession({
        schemaVersion: 1,
        endpoint: 'https://tenant.example',
        appId: 'app',
        accessToken: 'at-0',
        accessTokenExpiresAt: new Date(now + 3_600_000).toISOString(),
        refreshToken: 'rt-0',
        idToken: 'id-0',
        scopes: ['openid', 'offline_access', 'urn:logto:scope:organizations'],
        user: { id: 'user-alice', username: null, name: 'Alice', email: null, picture: null },
        huggingface: null,
        savedAt: new Date(now).toISOString(),
      }),
    );
    return new SessionOwner({
      storage: profileStorage(store, { configDir, profile: 'default' }, { waitMs: 2_000, ...realMachine }),
      provider,
      tenant: { profile: 'default', endpoint: 'https://tenant.example', appIds: ['app'] },
      now: () => Date.now(),
      critical: uninterruptible,
      signal: new AbortController().signal,
    });
  }

  const triggers: Record<ErrorCodeValue, () => Promise<Raised>> = {
    access_denied: () => run(fakeHost(), login(fakeHost()), { browser: { decision: 'deny' } }),
    app_not_found: () =>
      run(fakeHost(), [
        'login',
        '--endpoint',
        emulator.endpoint,
        '--app-id',
        'no-such-app',
        '--storage',
        'file',
      ]),
    redirect_uri_not_registered: () =>
      run(fakeHost(), [
        'login',
        '--endpoint',
        emulator.endpoint,
        '--app-id',
        'app-without-loopback',
        '--storage',
        'file',
      ]),
    not_a_device_app: () =>
      run(fakeHost(), [
        'login',
        '--device',
        '--endpoint',
        emulator.endpoint,
        '--device-app-id',
        emulator.appId,
        '--storage',
        'file',
      ]),
    audience_refused: async () =>
      thrown(async () =>
        (
          await ownerWith(() => {
            throw new HfloginError('refused', { code: ErrorCode.refreshRefused, exitCode: 4, hint: 'h' });
          })
        ).accessToken({ organization: 'org-1' }),
      ),
    config_invalid: () => run(withConfigText('{not json'), ['config', 'list']),
    device_app_missing: () =>
      run(fakeHost({ HFLOGIN_DEVICE_APP_ID: '' }), ['login', '--device', '--endpoint', emulator.endpoint]),
    doctor_failed: async () => {
      // doctor --json reports in its own document; the error itself is on stderr.
      const doctor = hflogin(fakeHost(), ['doctor']);
      const exitCode = await doctor.exit;
      const words = /^Error: \d+ of \d+ checks failed\.\nHint: (.+)$/m.exec(doctor.stderr());
      return { code: words ? ErrorCode.doctorFailed : 'none', hint: words?.[1], exitCode };
    },
    expired_token: () => thrown(() => codeExpired()),
    // `api` has no --json (its output is the API's body): the run itself, on a real command line.
    http_status: async () => {
      const host = fakeHost();
      const echo = emulator.protectedApis['/echo']!;
      await host.seed(emulator, 'file', {
        params: { resource: echo, scope: 'openid offline_access profile' },
      });
      const { deps } = fakeDeps({ env: host.env, keyring: host.keyring });
      const { options } = await parseCommandLine(['api', `${echo}/status/404`], deps);
      return thrown(() => runApi(options as ApiOptions, deps));
    },
    interrupted: () => thrown(() => interrupted()),
    invalid_profile: () => run(fakeHost(), ['whoami', '--profile', 'no/such']),
    invalid_target: async () => run(await signedIn(), ['token', '--resource', 'https://not-granted.example']),
    lock_timeout: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hflogin-hints-'));
      // Held by this very process (alive): the second taker waits, then gives up.
      return withSessionLock(
        dir,
        'default',
        () =>
          thrown(() => withSessionLock(dir, 'default', async () => 'ran', { waitMs: 300, ...realMachine })),
        { waitMs: 5_000, ...realMachine },
      );
    },
    missing_scope: async () => run(await signedIn(), ['token', '--organization', 'org-open-models']),
    network: async () =>
      run(fakeHost(), ['login', '--endpoint', `http://127.0.0.1:${await freePort()}`, '--app-id', 'x']),
    network_timeout: () =>
      run(fakeHost({ HFLOGIN_HTTP_TIMEOUT: '1' }), [
        'login',
        '--endpoint',
        `http://127.0.0.1:${portOf(silent)}`,
        '--app-id',
        'x',
      ]),
    no_refresh_token: async () =>
      run(await signedIn((session) => ({ ...session, refreshToken: undefined })), [
        'token',
        '--resource',
        'https://api.example.com',
      ]),
    not_set: () => run(fakeHost(), ['config', 'get', 'app-id']),
    not_signed_in: () => run(fakeHost(), ['whoami']),
    port_unavailable: () => run(fakeHost(), login(fakeHost(), '--port', String(portOf(busy)))),
    provider_error: () =>
      thrown(() =>
        protocolError(
          Object.assign(new Error('no error field'), { code: 'OAUTH_RESPONSE_BODY_ERROR', status: 400 }),
          'Refreshing',
          'tenant.example',
        ),
      ),
    provider_unavailable: async () => {
      const host = await signedIn(expired);
      emulator.options.networkFault = 'http_500';
      try {
        return await run(host, ['token']);
      } finally {
        emulator.options.networkFault = null;
      }
    },
    // The stored session names another user than the one Logto's refreshed ID token is about.
    refresh_identity_mismatch: async () =>
      run(
        await signedIn((session) => expired({ ...session, user: { ...session.user, id: 'u9mallory01' } })),
        ['token'],
      ),
    refresh_refused: async () =>
      run(await signedIn((session) => ({ ...session, refreshRefusedAt: new Date().toISOString() })), [
        'token',
      ]),
    session_corrupt: async () => {
      const host = fakeHost();
      await (await host.store('file')).save(host.profile, '{"not":"a session"}');
      return run(host, ['whoami'], { env: { HFLOGIN_STORAGE: 'file' } });
    },
    session_expired: async () =>
      run(await signedIn((session) => expired({ ...session, refreshToken: undefined })), ['token']),
    sign_in_link_reused: async () => {
      const signIn = hflogin(fakeHost(), [...login(fakeHost()), '--json'], { browser: 'stay' });
      const link = await startLink(signIn);
      await new HttpUserAgent().request(link);
      await new HttpUserAgent().request(link);
      return jsonError(signIn);
    },
    state_mismatch: async () => {
      const signIn = hflogin(fakeHost(), [...login(fakeHost(), '--timeout', '2'), '--json'], {
        browser: 'stay',
      });
      const start = await new HttpUserAgent().request(await startLink(signIn));
      // The callback without the /start cookie: refused; only such callbacks came.
      await fetch(await browseToCallback(start.location!));
      return jsonError(signIn);
    },
    storage_unavailable: async () =>
      run(fakeHost(), ['whoami'], { keychainAddonFails: new Error('libsecret-1.so.0: cannot open') }),
    tenant_mismatch: async () =>
      run(await signedIn(), ['token'], { env: { HFLOGIN_ENDPOINT: 'https://other.logto.app' } }),
    tenant_missing: () => run(fakeHost({ HFLOGIN_ENDPOINT: '', HFLOGIN_APP_ID: '' }), ['login']),
    timed_out: () => run(fakeHost(), login(fakeHost(), '--timeout', '0'), { browser: 'stay' }),
    tls_untrusted: () =>
      run(fakeHost(), ['login', '--endpoint', tlsEmulator.endpoint, '--app-id', tlsEmulator.appId]),
    token_refused: async () =>
      run(
        await signedIn((session) => ({ ...session, accessToken: 'not-a-token', refreshToken: undefined })),
        ['whoami'],
      ),
    unauthorized: () =>
      thrown(() =>
        protocolError(
          Object.assign(new Error('challenge'), { code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE', status: 403 }),
          'Reading your profile',
          'tenant.example',
        ),
      ),
    unexpected: () =>
      thrown(() => protocolError(new RangeError('out of range'), 'Signing in', 'tenant.example')),
    unsafe_permissions: async () => {
      const host = withConfigText('{"schemaVersion":1,"profiles":{}}');
      chmodSync(host.configDir, 0o777);
      return run(host, ['whoami']);
    },
    usage: () => run(fakeHost(), ['config', 'set', 'storage', 'plaintext']),
    userinfo_failed: () =>
      thrown(() =>
        fetchUserinfo('https://tenant.example/oidc/me', 'at', 'sub', {
          http: fakeHttp({ status: 404 }),
          tenant: 'https://tenant.example',
        }),
      ),
    verification_failed: async () => {
      emulator.setFault('id_token_bad_signature');
      try {
        return await run(fakeHost(), login(fakeHost(), '--timeout', '5'));
      } finally {
        emulator.setFault(null);
      }
    },
  };

  /** The one-time /start link hflogin gave the browser ($BROWSER's argv in the fake browser). */
  async function startLink(signIn: InProcessRun): Promise<string> {
    await expect.poll(() => signIn.browser.opened.length, { timeout: 10_000 }).toBe(1);
    return signIn.browser.opened[0]!;
  }

  it('the table names every ErrorCode, and nothing else', () => {
    expect(Object.keys(triggers).sort()).toEqual(Object.values(ErrorCode).sort());
  });

  const hints: string[] = [];
  afterAll(() =>
    console.log(`[hints] ${hints.length} error codes raised, each with its hint:\n  ${hints.join('\n  ')}`),
  );

  const documented = documentedExitCodes();
  it('the README documents an exit code for every error code', () => {
    expect([...documented.keys()].sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it.each(Object.values(ErrorCode))(
    '%s: raised by its trigger, with a hint and its documented exit code',
    async (code) => {
      const raised = await triggers[code]();
      expect(raised.code).toBe(code);
      expect(raised.exitCode).toBe(documented.get(code));
      expect(typeof raised.hint).toBe('string');
      expect(raised.hint!.trim()).not.toBe('');
      hints.push(`${code}: ${raised.hint}`);
    },
  );

  it('--device with an unknown device-flow app ID is app_not_found before any code is asked for, with a hint naming device-app-id', async () => {
    const raised = await run(fakeHost(), [
      'login',
      '--device',
      '--endpoint',
      emulator.endpoint,
      '--device-app-id',
      'no-such-app',
      '--storage',
      'file',
    ]);
    expect(raised.code).toBe('app_not_found');
    expect(raised.hint).toContain('device-app-id');
    expect(raised.hint).toContain('Logto Console → Applications');
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { beforeEach, describe, expect, it } from 'vitest';

import { answerHot, helpKey, hotCommand, withoutNetwork, type HotAnswer } from '../../src/hotPath.js';
import type { StorageKind } from '../../src/config/profiles.js';
import type { HttpClient } from '../../src/io/httpClient.js';
import { fakeDeps } from '../helpers/fakeDeps.js';
import { fakeHost, hflogin, type FakeHost } from '../helpers/inProcess.js';
import { useEmulator } from '../helpers/useEmulator.js';

/**
 * The hot path (src/hotPath.ts; bin/hflogin.cjs runs it before the full program loads) answers
 * `token` and `status` only when the files on this machine are enough, and then exactly as the full
 * program does; anything else — a refresh due, nobody signed in, another tenant — it leaves to the
 * full program, having printed nothing, asked Logto nothing and changed nothing.
 */
describe('the hot path of token and status', () => {
  const emulator = useEmulator();
  let host: FakeHost;
  beforeEach(() => {
    host = fakeHost();
  });

  it.each<[string[], ReturnType<typeof hotCommand>]>([
    [['token'], { name: 'token', options: { json: false } }],
    [['token', '--json'], { name: 'token', options: { json: true } }],
    [['status'], { name: 'status', options: { json: false } }],
    [['status', '--json', '-p', 'work'], { name: 'status', options: { profile: 'work', json: true } }],
    [['token', '--profile', 'work'], { name: 'token', options: { profile: 'work', json: false } }],
    [['token', '--profile=work', '--json'], { name: 'token', options: { profile: 'work', json: true } }],
    // Everything else is the parser's: other flags, help, a missing or doubled value, other commands.
    [['token', '--resource', 'https://api.example.com'], undefined],
    [['token', '--organization', 'org-1'], undefined],
    [['token', '--help'], undefined],
    [['token', '--debug'], undefined],
    [['token', '--no-color'], undefined],
    [['token', '-p'], undefined],
    [['token', '-p', '--json'], undefined],
    [['token', '-p', 'a', '-p', 'b'], undefined],
    [['token', '--json', '--json'], undefined],
    [['token', 'extra'], undefined],
    [['whoami', '--json'], { name: 'whoami', options: { json: true } }],
    [['logout'], undefined],
    [['--version'], undefined],
    [[], undefined],
  ])('hflogin %j → %j', (argv, expected) => {
    expect(hotCommand(argv)).toEqual(expected);
  });

  // Which pre-rendered help a command line asks for (its texts are checked in test/e2e/cli.test.ts).
  it.each<[string[], string | undefined]>([
    [['--help'], ''],
    [['-h'], ''],
    [['help'], ''],
    [['login', '--help'], 'login'],
    [['config', 'set', '-h'], 'config set'],
    [['help', 'config', 'set'], 'config set'],
    [['login', '--json', '--help'], undefined],
    [['help', '--json'], undefined],
    [['token'], undefined],
    [['--version'], undefined],
    [[], undefined],
  ])('help for %j → %j', (argv, key) => {
    expect(helpKey(argv)).toBe(key);
  });

  /** The hot path's answer for `argv`, with the host's files and no network. */
  async function hot(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<HotAnswer | undefined> {
    const { deps } = fakeDeps({ env: { ...host.env, ...env }, keyring: host.keyring });
    const command = hotCommand(argv);
    if (!command) throw new Error(`not a hot command line: ${argv.join(' ')}`);
    return answerHot(
      command,
      (streams) => withoutNetwork({ ...deps, ...streams, pid: process.pid, http: deps.http }),
      {
        isTTY: () => false,
      },
    );
  }
  /** The full program's answer for the same command line. */
  async function full(argv: string[], env: NodeJS.ProcessEnv = {}) {
    const run = hflogin(host, argv, { env });
    return { code: await run.exit, stdout: run.stdout(), stderr: run.stderr() };
  }

  it.each<[StorageKind, string[]]>([
    ['file', ['token']],
    ['file', ['token', '--json']],
    ['file', ['status']],
    ['file', ['status', '--json']],
    ['keychain', ['token']],
    ['keychain', ['status', '--json']],
    ['file', ['whoami']],
    ['file', ['whoami', '--json']],
  ])('a valid %s session: %j answered exactly as the full program answers it', async (kind, argv) => {
    await host.seed(emulator, kind);
    await host.seed(emulator, kind, undefined, 'other');
    const requests = emulator.stats.requests;
    const answer = await hot(argv);
    // token and status ask nothing; whoami reads userinfo, once.
    expect(emulator.stats.requests - requests).toBe(argv[0] === 'whoami' ? 1 : 0);
    const program = await full(argv);
    expect(program.code).toBe(0);
    expect(answer).toEqual({ stdout: program.stdout, stderr: program.stderr });
  });

  it('another profile named with -p, --profile and --profile=: the same answer each way', async () => {
    await host.seed(emulator, 'file');
    const session = await host.seed(emulator, 'file', undefined, 'work');
    for (const argv of [
      ['token', '-p', 'work'],
      ['token', '--profile', 'work'],
      ['token', '--profile=work'],
    ])
      expect(await hot(argv)).toEqual({ stdout: `${session.accessToken}\n`, stderr: '' });
  });

  it.each<[string, (host: FakeHost) => Promise<unknown>, NodeJS.ProcessEnv]>([
    [
      'a token that needs a refresh',
      (host) => host.seed(emulator, 'file').then(() => host.expire('file')),
      {},
    ],
    ['nobody signed in', async () => undefined, {}],
    [
      'a session of another tenant than the settings in force',
      (host) => host.seed(emulator, 'file'),
      {
        HFLOGIN_APP_ID: 'another-app',
      },
    ],
  ])('%s: left to the full program — nothing printed, asked or changed', async (_what, prepare, env) => {
    await prepare(host);
    const before = await (await host.store('file')).load(host.profile);
    const requests = emulator.stats.requests;
    expect(await hot(['token'], env)).toBeUndefined();
    expect(await hot(['token', '--json'], env)).toBeUndefined();
    expect(await hot(['whoami', '--json'], env)).toBeUndefined();
    expect(emulator.stats.requests).toBe(requests);
    expect(await (await host.store('file')).load(host.profile)).toBe(before);
    // No session lock was taken, not even an empty file for the next process to wait out.
    expect(existsSync(join(host.configDir, 'locks', `${host.profile}.lock`))).toBe(false);
  });

  it('a refresh due: the full program, in the same module (as in the single binary), refreshes at once after the hot path handed over', async () => {
    await host.seed(emulator, 'file');
    await host.expire('file');
    const refreshes = emulator.stats.tokenRequests.refresh_token ?? 0;
    expect(await hot(['token'])).toBeUndefined();
    const program = await full(['token']);
    expect(program.stderr).toBe('');
    expect(program.code).toBe(0);
    expect((emulator.stats.tokenRequests.refresh_token ?? 0) - refreshes).toBe(1);
  });

  it('whoami with a token Logto refuses: left to the full program (the refresh is not the hot path’s), nothing changed', async () => {
    await host.seed(emulator, 'file');
    const before = await (await host.store('file')).load(host.profile);
    const session = (await host.session('file'))!;
    // Revoked at Logto: userinfo answers 401.
    await fetch(`${emulator.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: emulator.appId, token: session.accessToken }),
    });
    const refreshes = emulator.stats.tokenRequests.refresh_token ?? 0;
    expect(await hot(['whoami'])).toBeUndefined();
    expect(emulator.stats.tokenRequests.refresh_token ?? 0).toBe(refreshes);
    expect(await (await host.store('file')).load(host.profile)).toBe(before);
  });

  it('the one request the hot path may send: a GET straight to its host, never through a proxy', async () => {
    const sent: string[] = [];
    const client = (proxy: string | undefined): HttpClient => ({
      fetch: () => Promise.reject(new Error('fetch')),
      request: async (url, init) => {
        sent.push(`${init?.method ?? 'GET'} ${url.href}`);
        return { status: 200, statusText: 'OK', rawHeaders: [], body: Buffer.from('{}') };
      },
      timeoutMs: 1000,
      proxyFor: () => proxy,
      proxy: { noProxy: '' } as HttpClient['proxy'],
    });
    const { http: _real, ...deps } = fakeDeps().deps;
    const url = new URL('https://tenant.example/oidc/me');
    const direct = withoutNetwork({ ...deps, pid: 1, http: client(undefined) }).http;
    expect((await direct.request(url)).status).toBe(200);
    expect(() => direct.request(url, { method: 'POST' })).toThrow('The hot path makes no requests');
    const proxied = withoutNetwork({ ...deps, pid: 1, http: client('http://proxy.example:3128') }).http;
    expect(() => proxied.request(url)).toThrow('The hot path makes no requests');
    expect(() => withoutNetwork({ ...deps, pid: 1 }).http.request(url)).toThrow(
      'The hot path makes no requests',
    );
    expect(sent).toEqual(['GET https://tenant.example/oidc/me']);
  });

  it('status with the active profile signed out (exit 4): left to the full program, which says so', async () => {
    await host.seed(emulator, 'file', undefined, 'other');
    expect(await hot(['status'])).toBeUndefined();
    expect((await full(['status'])).code).toBe(4);
  });
});

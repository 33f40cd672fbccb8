import { beforeAll, describe, expect, it } from 'vitest';

import type { KoaContextWithOIDC } from 'oidc-provider';

import { profileStorage } from '../../src/session/profileStorage.js';
import { systemProcesses } from '../../src/system.js';
import { approveDevice } from '../helpers/deviceApproval.js';
import { fakeHost, hflogin, type FakeHost } from '../helpers/inProcess.js';
import { deviceLoginArgs, loginArgs, useEmulator } from '../helpers/useEmulator.js';

/** One `debug: http …` line: the method, the URL, the proxy if any, the status and the time. */
const traceLine = /^debug: http (GET|POST) (\S+)(?: via proxy \S+)? → (\d{3}) in (\d+) ms$/gm;

interface Trace {
  method: string;
  url: URL;
  status: number;
}

function tracesIn(stderr: string): Trace[] {
  return [...stderr.matchAll(traceLine)].map((match) => ({
    method: match[1]!,
    url: new URL(match[2]!),
    status: Number(match[3]),
  }));
}

/**
 * `--debug` (and HFLOGIN_DEBUG) on every command: one line on stderr per HTTP request hflogin makes,
 * with its method, URL, status and time, and never a secret. For the commands that involve no
 * browser, the trace has exactly as many lines as the emulator served requests.
 */
describe('--debug traces every request of every command', () => {
  const emulator = useEmulator();
  /** Every secret hflogin sent the token endpoint, by parameter: codes, verifiers, refresh tokens, device codes. */
  const sent = new Map<string, Set<string>>();
  beforeAll(() => {
    emulator.provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
      const params = (ctx.oidc.params ?? {}) as Record<string, unknown>;
      for (const name of ['code', 'code_verifier', 'refresh_token', 'device_code']) {
        const value = params[name];
        if (typeof value === 'string') sent.set(name, (sent.get(name) ?? new Set()).add(value));
      }
    });
  });
  const stderrs: Array<{ what: string; text: string }> = [];
  let host: FakeHost;

  /** Runs one command; returns its trace and how many requests the emulator served meanwhile. */
  async function traced(args: string[], env: NodeJS.ProcessEnv = {}) {
    const before = emulator.stats.requests;
    const run = hflogin(host, args, { env });
    const code = await run.exit;
    stderrs.push({ what: args.join(' '), text: run.stderr() });
    return { code, traces: tracesIn(run.stderr()), served: emulator.stats.requests - before, run };
  }

  const path = (trace: Trace) => `${trace.method} ${trace.url.pathname}`;

  it('login: discovery, the code exchange, the JWKS and userinfo', async () => {
    host = fakeHost();
    const { code, traces, run } = await traced(loginArgs(emulator, '--debug'));
    expect(code).toBe(0);
    expect(traces.map(path)).toEqual(
      expect.arrayContaining([
        'GET /oidc/.well-known/openid-configuration',
        'POST /oidc/token',
        'GET /oidc/jwks',
        'GET /oidc/me',
      ]),
    );
    // Every answer 200 but the app check's: Logto sends its unsupported response_type back to
    // the redirect URI with a 303, which is the "app and redirect URI are right" answer.
    expect(
      traces.filter((trace) => trace.status !== 200).map((trace) => [path(trace), trace.status]),
    ).toEqual([['GET /oidc/auth', 303]]);
    expect(traces.every((trace) => trace.url.origin === emulator.endpoint)).toBe(true);
    // The other steps: where the session is kept.
    expect(run.stderr()).toMatch(/^debug: profile "[^"]+": session kept in the OS keychain$/m);
  });

  it.each([
    {
      name: 'whoami, refreshing',
      command: ['whoami'],
      expired: true,
      requests: ['POST /oidc/token', 'GET /oidc/me'],
    },
    { name: 'token, refreshing', command: ['token'], expired: true, requests: ['POST /oidc/token'] },
    { name: 'token with a fresh token', command: ['token', '--json'], expired: false, requests: [] },
    { name: 'status', command: ['status'], expired: true, requests: [] },
  ])('$name: one line per request', async ({ command, expired, requests }) => {
    if (expired) await host.expire('keychain');
    const { code, traces, served, run } = await traced([...command, '--debug']);
    expect(code).toBe(0);
    expect(traces.map(path)).toEqual(requests.length > 0 ? expect.arrayContaining(requests) : []);
    // Discovery comes first when a request is needed; nothing else is sent unseen.
    expect(traces).toHaveLength(served);
    expect(run.stderr()).toMatch(/^debug: profile "[^"]+": session kept in the OS keychain$/m);
  });

  it('doctor: its discovery request', async () => {
    // A healthy desktop (a display), the tenant the login saved.
    const { code, traces, served } = await traced(['doctor', '--debug'], { DISPLAY: ':0' });
    expect(code).toBe(0);
    expect(traces.map(path)).toContain('GET /oidc/.well-known/openid-configuration');
    expect(traces).toHaveLength(served);
  });

  it('HFLOGIN_DEBUG=1 is --debug; HFLOGIN_DEBUG=0 is not', async () => {
    await host.expire('keychain');
    const on = await traced(['whoami'], { HFLOGIN_DEBUG: '1' });
    expect(on.code).toBe(0);
    expect(on.traces.length).toBeGreaterThan(0);
    expect(on.traces).toHaveLength(on.served);
    await host.expire('keychain');
    const off = await traced(['whoami'], { HFLOGIN_DEBUG: '0' });
    expect(off.code).toBe(0);
    expect(off.served).toBeGreaterThan(0);
    expect(off.run.stderr()).not.toContain('debug:');
  });

  it('a wait for the session lock is traced, naming the holder', async () => {
    const storage = profileStorage(
      await host.store('keychain'),
      { configDir: host.configDir, profile: host.profile },
      { waitMs: 20_000, processes: systemProcesses, now: Date.now },
    );
    let release!: () => void;
    const holding = storage.lock(() => new Promise<void>((resolve) => (release = resolve)));
    await host.expire('keychain');
    const run = hflogin(host, ['token', '--debug']);
    await expect
      .poll(() => run.stderr(), { timeout: 10_000 })
      .toMatch(
        new RegExp(
          `^debug: session lock of profile "${host.profile}" held by pid ${process.pid} on \\S+; waiting up to 120 s$`,
          'm',
        ),
      );
    release();
    await holding;
    expect(await run.exit).toBe(0);
    stderrs.push({ what: 'token (waiting for the lock)', text: run.stderr() });
  });

  it('logout: the revocation', async () => {
    const { code, traces, served } = await traced(['logout', '--debug']);
    expect(code).toBe(0);
    expect(traces.map(path)).toContain('POST /oidc/token/revocation');
    expect(traces.find((trace) => trace.url.pathname === '/oidc/token/revocation')?.status).toBe(200);
    expect(traces).toHaveLength(served);
  });

  it('login --device: the device authorization and the polls', async () => {
    emulator.options.deviceFlow = { interval: 1, slowDown: false };
    try {
      const device = fakeHost();
      const run = hflogin(device, deviceLoginArgs(emulator, '--storage', 'file', '--debug'));
      await expect.poll(() => run.stderr(), { timeout: 15_000 }).toMatch(/Waiting for approval/);
      const url = /^ {2}(http\S+\/device\?user_code=\S+)$/m.exec(run.stderr())![1]!;
      await approveDevice(url);
      expect(await run.exit).toBe(0);
      stderrs.push({ what: 'login --device', text: run.stderr() });
      const traces = tracesIn(run.stderr());
      expect(traces.map(path)).toEqual(
        expect.arrayContaining(['POST /oidc/device/auth', 'POST /oidc/token', 'GET /oidc/me']),
      );
      expect(run.stderr()).toMatch(/^debug: profile "[^"]+": session kept in a file under /m);
    } finally {
      emulator.options.deviceFlow = { interval: null, slowDown: false };
    }
  });

  it('a failed request is traced with why and how long', async () => {
    // Port 9 (discard) on the loopback: nothing listens there.
    const { code, run } = await traced(['doctor', '--debug'], {
      DISPLAY: ':0',
      HFLOGIN_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(code).toBe(1);
    expect(run.stderr()).toMatch(
      /^debug: http GET http:\/\/127\.0\.0\.1:9\/oidc\/\.well-known\/openid-configuration → failed \(ECONNREFUSED\) after \d+ ms$/m,
    );
  });

  it('no token, code, verifier or device code is in anything printed with --debug', () => {
    // The search has something to find: each kind of secret was sent in the runs above.
    expect([...sent.keys()].sort()).toEqual(['code', 'code_verifier', 'device_code', 'refresh_token']);
    const secrets = new Set([
      ...emulator.stats.issuedTokens,
      ...[...sent.values()].flatMap((set) => [...set]),
    ]);
    const leaks = stderrs.flatMap(({ what, text }) =>
      [...secrets].filter((secret) => text.includes(secret)).map(() => what),
    );
    expect(leaks).toEqual([]);
    expect(stderrs.filter(({ text }) => text.includes('debug: http ')).length).toBeGreaterThanOrEqual(8);
  });
});

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, it as base } from 'vitest';

import { ExitCode, HfloginError } from '../../src/io/errors.js';
import { signInChoices } from '../../src/logto/authorizationParameters.js';
import { signInUrl } from '../../src/logto/signInUrl.js';
import { discover, type ProviderContext } from '../../src/oauth/provider.js';
import type { LoginEvent } from '../../src/signIn/loginEvents.js';
import { deviceSignIn, type DeviceSignInOptions } from '../../src/signIn/deviceSignIn.js';
import { expectRefused } from '../helpers/hostile.js';
import { realProviderDeps } from '../helpers/realMachine.js';

type Answer = { status: number; body: Record<string, unknown> } | 'drop-connection';

/**
 * A provider that only knows the device flow, scripted per test: it records what the device
 * authorization carried and when each poll came, and answers polls as `answerPoll` says.
 */
interface FakeProvider {
  endpoint: string;
  deviceAuthorizations: URLSearchParams[];
  polls: number[];
  device: { expires_in: number; interval: number };
  answerPoll: (index: number) => Answer | Promise<Answer>;
  close(): Promise<void>;
}

const pending: Answer = { status: 400, body: { error: 'authorization_pending' } };

async function startFakeProvider(): Promise<FakeProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${endpoint}/oidc`;
  const fake: FakeProvider = {
    endpoint,
    deviceAuthorizations: [],
    polls: [],
    device: { expires_in: 600, interval: 1 },
    answerPoll: () => pending,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      void (async () => {
        const path = new URL(req.url ?? '/', endpoint).pathname;
        if (path === '/oidc/.well-known/openid-configuration') {
          return send(res, 200, {
            issuer,
            authorization_endpoint: `${issuer}/auth`,
            device_authorization_endpoint: `${issuer}/device/auth`,
            token_endpoint: `${issuer}/token`,
            jwks_uri: `${issuer}/jwks`,
          });
        }
        if (path === '/oidc/device/auth') {
          fake.deviceAuthorizations.push(new URLSearchParams(text));
          return send(res, 200, {
            device_code: 'device-code-0123456789',
            user_code: 'ABCD-EFGH',
            verification_uri: `${issuer}/device`,
            verification_uri_complete: `${issuer}/device?user_code=ABCD-EFGH`,
            ...fake.device,
          });
        }
        if (path === '/oidc/token') {
          fake.polls.push(Date.now());
          const answer = await fake.answerPoll(fake.polls.length - 1);
          if (answer === 'drop-connection') return res.socket?.destroy();
          return send(res, answer.status, answer.body);
        }
        send(res, 404, { error: 'not_found' });
      })();
    });
  });
  return fake;
}

const choices = signInChoices({
  signUp: true,
  scopes: ['read:models'],
  resources: ['https://api.example.com', 'https://other.example.com'],
  organizationId: 'org-open-models',
  loginHint: 'alice@example.com',
  uiLocales: 'th',
});

/** The protocol's own values in the browser URL; everything else is Logto's. */
const browserProtocolParameters = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'prompt',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
]);

const sorted = (entries: Iterable<[string, string]>) =>
  [...entries].sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y));

/** One test's provider, and what its sign-in wrote: each test has its own, so they run at once. */
interface DeviceTest {
  fake: FakeProvider;
  provider: ProviderContext;
  /** What the sign-in wrote to stderr so far. */
  written: () => string;
  events: LoginEvent[];
  debugLines: string[];
  /** Starts a device sign-in that is expected to fail; resolves with how and when it ended. */
  start: (
    options?: Partial<DeviceSignInOptions>,
  ) => Promise<{ error: HfloginError; endedAt: number; elapsed: number }>;
}

const it = base.extend<{ device: DeviceTest }>({
  // eslint-disable-next-line no-empty-pattern
  device: async ({}, use) => {
    const fake = await startFakeProvider();
    const provider = await discover(fake.endpoint, 'device-app', realProviderDeps);
    const stderr = new PassThrough();
    let written = '';
    stderr.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const events: LoginEvent[] = [];
    const debugLines: string[] = [];
    const start = (options: Partial<DeviceSignInOptions> = {}) => {
      const startedAt = Date.now();
      return deviceSignIn(
        provider,
        choices,
        { stderr },
        {
          signal: new AbortController().signal,
          timeoutSeconds: 300,
          emit: (event) => events.push(event),
          debug: (line) => debugLines.push(line),
          ...options,
        },
      ).then(
        () => {
          throw new Error('the device sign-in was not expected to succeed');
        },
        (error: unknown) => ({
          error: error as HfloginError,
          endedAt: Date.now(),
          elapsed: Date.now() - startedAt,
        }),
      );
    };
    await use({ fake, provider, written: () => written, events, debugLines, start });
    await fake.close();
  },
});

// Most of these tests wait out real poll intervals: they run at once, each with its own provider.
describe.concurrent('device sign-in', () => {
  it('sends the same Logto parameters as the browser URL, every resource included', async ({
    device: { fake, provider, start },
    expect,
  }) => {
    const controller = new AbortController();
    const ended = start({ signal: controller.signal });
    await expect.poll(() => fake.deviceAuthorizations.length).toBe(1);
    controller.abort();
    await ended;

    const browser = signInUrl(
      {
        authorizationEndpoint: provider.as.authorization_endpoint!,
        clientId: 'browser-app',
        redirectUri: 'http://127.0.0.1:5000/callback',
        state: 's',
        nonce: 'n',
        codeChallenge: 'c',
      },
      choices,
    ).searchParams;
    const browserLogto = [...browser].filter(([name]) => !browserProtocolParameters.has(name));
    const device = fake.deviceAuthorizations[0]!;
    const deviceLogto = [...device].filter(([name]) => name !== 'client_id');

    expect(sorted(deviceLogto)).toEqual(sorted(browserLogto));
    expect(device.getAll('resource')).toEqual(['https://api.example.com', 'https://other.example.com']);
    expect(device.get('direct_sign_in')).toBe('social:huggingface');
    expect(device.get('organization_id')).toBe('org-open-models');
    expect(device.get('client_id')).toBe('device-app');
  });

  it('stops at --timeout when it comes before the code expires: exit 124, and no poll after', async ({
    device: { fake, written, events, start },
    expect,
  }) => {
    const { error, endedAt, elapsed } = await start({ timeoutSeconds: 3 });
    expect(error).toMatchObject({ code: 'timed_out', exitCode: ExitCode.timedOut });
    expect(elapsed).toBeGreaterThanOrEqual(3_000 - 50);
    expect(fake.polls.length).toBeGreaterThan(0);
    expect(fake.polls.every((time) => time <= endedAt)).toBe(true);
    expect(events).toContainEqual({ event: 'waiting', for: 'device', timeoutSeconds: 3 });
    expect(written()).toContain('Waiting for approval (times out in 3 s;');
    const polls = fake.polls.length;
    await sleep(2_000);
    expect(fake.polls.length).toBe(polls);
  });

  it('stops when the code expires first, saying so (expired_token, exit 124)', async ({
    device: { fake, written, events, start },
    expect,
  }) => {
    fake.device.expires_in = 2;
    const { error, endedAt } = await start({ timeoutSeconds: 300 });
    expect(error).toMatchObject({ code: 'expired_token', exitCode: ExitCode.timedOut });
    expect(fake.polls.every((time) => time <= endedAt)).toBe(true);
    expect(events).toContainEqual({ event: 'waiting', for: 'device', timeoutSeconds: 2 });
    expect(written()).toContain('Waiting for approval (the code expires in 2 s;');
  });

  it('stops polling when its signal aborts (another way won, or Ctrl+C): exit 130, no request after', async ({
    device: { fake, start },
    expect,
  }) => {
    const controller = new AbortController();
    const ended = start({ signal: controller.signal });
    await expect.poll(() => fake.polls.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    controller.abort();
    const abortedAt = Date.now();
    const { error } = await ended;
    expect(error).toMatchObject({ code: 'interrupted', exitCode: ExitCode.interrupted });
    await sleep(2_500);
    expect(fake.polls.every((time) => time <= abortedAt)).toBe(true);
  });

  it('abandons a poll in flight when its signal aborts', async ({ device: { fake, start }, expect }) => {
    let answered = Number.POSITIVE_INFINITY;
    fake.answerPoll = async () => {
      await sleep(3_000);
      answered = Date.now();
      return pending;
    };
    const controller = new AbortController();
    const ended = start({ signal: controller.signal });
    await expect.poll(() => fake.polls.length, { timeout: 10_000 }).toBe(1);
    controller.abort();
    const { error, endedAt } = await ended;
    expect(error).toMatchObject({ code: 'interrupted' });
    expect(endedAt).toBeLessThan(answered);
  });

  it('asks again after HTTP 5xx and network errors, backing off, and a refusal still ends it at once', async ({
    device: { fake, debugLines, start },
    expect,
  }) => {
    const script: Answer[] = [
      { status: 500, body: { error: 'server_error' } },
      'drop-connection',
      { status: 503, body: {} },
      { status: 400, body: { error: 'access_denied' } },
    ];
    fake.answerPoll = (index) => script[index] ?? pending;
    const { error } = await start();
    expect(error).toMatchObject({ code: 'access_denied', exitCode: ExitCode.failed });
    expect(fake.polls).toHaveLength(4);
    // The interval (1 s) first, then doubling.
    const gaps = fake.polls.slice(1).map((time, index) => time - fake.polls[index]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(1_000 - 50);
    expect(gaps[1]).toBeGreaterThanOrEqual(2_000 - 50);
    expect(gaps[2]).toBeGreaterThanOrEqual(4_000 - 50);
    expect(debugLines).toHaveLength(3);
    expect(debugLines[0]).toMatch(/HTTP 500\. Polling again in 1 s \(retry 1\)/);
    expect(debugLines[1]).toMatch(/cannot reach .*\. Polling again in 2 s \(retry 2\)/);
    expect(debugLines[2]).toMatch(/HTTP 503\. Polling again in 4 s \(retry 3\)/);
  }, 20_000);

  it('keeps asking a failing provider until the deadline, then exit 124 with no poll after', async ({
    device: { fake, start },
    expect,
  }) => {
    fake.answerPoll = () => ({ status: 500, body: {} });
    const { error, endedAt } = await start({ timeoutSeconds: 4 });
    expect(error).toMatchObject({ code: 'timed_out', exitCode: ExitCode.timedOut });
    expect(fake.polls.length).toBeGreaterThan(1);
    expect(fake.polls.every((time) => time <= endedAt)).toBe(true);
  });

  it.for<[string, Answer]>([
    ['invalid_grant', { status: 400, body: { error: 'invalid_grant' } }],
    ['invalid_client', { status: 401, body: { error: 'invalid_client' } }],
    ['expired_token', { status: 400, body: { error: 'expired_token' } }],
  ])('ends at once on %s', async ([code, answer], { device: { fake, start }, expect }) => {
    fake.answerPoll = () => answer;
    const { error } = await start();
    expect(error).toMatchObject({ code });
    expect(fake.polls).toHaveLength(1);
  });

  // Issue #14: only Bearer tokens. The code is spent once tokens are issued, so the refusal is final.
  it.for<[string, string | undefined]>([
    ['DPoP', 'DPoP'],
    ['mac', 'mac'],
    ['missing', undefined],
  ])(
    'refuses tokens with token_type %s at once, nothing returned',
    async ([name, tokenType], { device: { fake, start, written }, expect }) => {
      fake.answerPoll = () => ({
        status: 200,
        body: {
          access_token: 'at-0123456789',
          expires_in: 3600,
          scope: 'openid',
          ...(tokenType ? { token_type: tokenType } : {}),
        },
      });
      const { error } = await start();
      expectRefused(
        `device flow token_type ${name}`,
        error instanceof HfloginError && error.code === 'verification_failed',
      );
      expect(error.exitCode).toBe(ExitCode.failed);
      expect(error.message).toContain(tokenType ? `token_type "${tokenType}"` : 'no token_type');
      expect(error.message).toContain('hflogin accepts only Bearer tokens');
      expect(fake.polls).toHaveLength(1);
      expect(written()).not.toContain('at-0123456789');
    },
  );
});

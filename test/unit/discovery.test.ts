import { describe, expect, it } from 'vitest';

import { ExitCode, HfloginError } from '../../src/io/errors.js';
import { discoverIssuer, fetchDiscovery } from '../../src/oauth/discovery.js';
import { fetchUserinfo, isTokenRefused } from '../../src/oauth/userinfo.js';
import { fakeHttp } from '../helpers/fakeHttp.js';

const endpoint = 'https://tenant.logto.app';
const issuer = 'https://tenant.logto.app/oidc';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
let clock = 1_000_000;
const now = () => (clock += 40);

describe('fetchDiscovery (the one discovery)', () => {
  it('asks <endpoint>/oidc/.well-known/openid-configuration and reports time, Date and status', async () => {
    const http = fakeHttp({
      rawHeaders: ['Date', 'Tue, 01 Jul 2025 12:00:00 GMT'],
      body: json({ issuer, userinfo_endpoint: `${issuer}/me` }),
    });
    const answer = await fetchDiscovery(endpoint, { http, now });
    expect(http.urls).toEqual([`${issuer}/.well-known/openid-configuration`]);
    expect(answer).toMatchObject({
      status: 200,
      elapsedMs: 40,
      failure: undefined,
      host: 'tenant.logto.app',
    });
    expect(answer.date).toBe(Date.parse('Tue, 01 Jul 2025 12:00:00 GMT'));
    expect(answer.metadata?.userinfo_endpoint).toBe(`${issuer}/me`);
  });

  it.each([
    [
      'HTTP 404',
      { status: 404, body: json({ issuer }) },
      'verification_failed',
      ExitCode.failed,
      /answered HTTP 404/,
    ],
    [
      'HTTP 503',
      { status: 503, body: json({}) },
      'provider_unavailable',
      ExitCode.network,
      /answered HTTP 503/,
    ],
    ['not JSON', { body: Buffer.from('<html>') }, 'verification_failed', ExitCode.failed, /not JSON/],
    ['a JSON array', { body: json([issuer]) }, 'verification_failed', ExitCode.failed, /not JSON/],
    [
      'another issuer',
      { body: json({ issuer: 'https://other.example/oidc' }) },
      'verification_failed',
      ExitCode.failed,
      /names the issuer https:\/\/other/,
    ],
    ['no issuer', { body: json({}) }, 'verification_failed', ExitCode.failed, /names the issuer \(none\)/],
    [
      'the endpoint as issuer',
      { body: json({ issuer: endpoint }) },
      'verification_failed',
      ExitCode.failed,
      /names the issuer/,
    ],
  ] as const)(
    '%s: an answer, but not the issuer’s discovery',
    async (_name, response, code, exitCode, message) => {
      const answer = await fetchDiscovery(endpoint, { http: fakeHttp(response), now });
      expect(answer.metadata).toBeUndefined();
      expect(answer.failure).toMatchObject({ code, exitCode });
      expect(answer.failure!.message).toMatch(message);
      await expect(discoverIssuer(endpoint, { http: fakeHttp(response), now })).rejects.toMatchObject({
        code,
        exitCode,
      });
    },
  );

  it('throws what protocolError makes of a network failure (exit 5)', async () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
    });
    const failure = await fetchDiscovery(endpoint, { http: fakeHttp(refused), now }).catch((error) => error);
    expect(failure).toBeInstanceOf(HfloginError);
    expect(failure).toMatchObject({ code: 'network', exitCode: ExitCode.network });
    expect(failure.message).toMatch(/Discovery: cannot reach tenant\.logto\.app \(ECONNREFUSED\)/);
  });
});

describe('fetchUserinfo (the one userinfo)', () => {
  const me = `${issuer}/me`;

  it('GETs the endpoint with the bearer token and returns the claims about the subject', async () => {
    const http = fakeHttp({ body: json({ sub: 'u1', name: 'Ada' }) });
    expect(await fetchUserinfo(me, 'at', 'u1', { http, tenant: 'https://tenant.logto.app' })).toEqual({
      sub: 'u1',
      name: 'Ada',
    });
    expect(http.urls).toEqual([me]);
  });

  it.each([
    ['HTTP 401', { status: 401 }, 'token_refused', ExitCode.failed, true],
    ['HTTP 500', { status: 500 }, 'provider_unavailable', ExitCode.network, false],
    ['HTTP 403', { status: 403 }, 'userinfo_failed', ExitCode.failed, false],
    ['not JSON', { body: Buffer.from('nope') }, 'verification_failed', ExitCode.failed, false],
    ['another sub', { body: json({ sub: 'u2' }) }, 'verification_failed', ExitCode.failed, false],
  ] as const)('%s → %s', async (_name, response, code, exitCode, refused) => {
    const failure = await fetchUserinfo(me, 'at', 'u1', {
      http: fakeHttp(response),
      tenant: 'https://tenant.logto.app',
    }).catch((error) => error);
    expect(failure).toMatchObject({ code, exitCode });
    expect(isTokenRefused(failure)).toBe(refused);
  });

  it('never sends the token over plain http to another host, nor without an endpoint', async () => {
    const http = fakeHttp({ body: json({ sub: 'u1' }) });
    await expect(
      fetchUserinfo('http://tenant.example/oidc/me', 'at', 'u1', {
        http,
        tenant: 'https://tenant.logto.app',
      }),
    ).rejects.toMatchObject({
      code: 'verification_failed',
    });
    await expect(
      fetchUserinfo(undefined, 'at', 'u1', { http, tenant: 'https://tenant.logto.app' }),
    ).rejects.toMatchObject({
      code: 'verification_failed',
    });
    expect(http.urls).toEqual([]);
  });
});

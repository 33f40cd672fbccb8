import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../src/io/errorCodes.js';
import { ExitCode } from '../../src/io/errors.js';
import { proxyFailureOf } from '../../src/io/proxyFailure.js';
import { fetchDiscovery } from '../../src/oauth/discovery.js';
import { oauthErrorHint, protocolError } from '../../src/oauth/errors.js';
import { fakeHttp } from '../helpers/fakeHttp.js';

/** An answer as hflogin's HTTP client gives it to oauth4webapi: it says which URL it came from. */
function answer(url: string, status: number, body: string, type: string): Response {
  const response = new Response(body, { status, headers: { 'content-type': type } });
  Object.defineProperty(response, 'url', { value: url });
  return response;
}

/** What oauth4webapi itself throws for `response` (the library's own error, not a look-alike). */
async function libraryError(step: (response: Response) => Promise<unknown>, response: Response) {
  try {
    await step(response);
  } catch (error) {
    return error;
  }
  throw new Error('oauth4webapi accepted the answer');
}

const as: oauth.AuthorizationServer = { issuer: 'https://tenant.logto.app/oidc' };
const client: oauth.Client = { client_id: 'app' };

/** oauth4webapi's messages are about its own arguments; hflogin says what happened, with URL and status. */
describe('library messages translated into what happened', () => {
  it('a token endpoint answering 404 (a gateway\'s JSON): the URL and the status, not "\\"response\\" is not a conform …"', async () => {
    const error = await libraryError(
      (response) => oauth.processRefreshTokenResponse(as, client, response),
      answer('https://tenant.logto.app/oidc/token?x=1', 404, '{"message":"Not Found"}', 'application/json'),
    );
    expect((error as Error).message).toContain('is not a conform');
    const translated = protocolError(error, 'Refreshing the session', 'tenant.logto.app');
    expect(translated.message).toBe(
      'Refreshing the session: https://tenant.logto.app/oidc/token answered HTTP 404, which is not an answer OAuth allows there.',
    );
    expect(translated).toMatchObject({ code: ErrorCode.verificationFailed, exitCode: ExitCode.failed });
    expect(translated.hint).toContain('Logto tenant');
  });

  it('a device endpoint answering 200 with HTML where JSON belongs: the URL, the status and the type', async () => {
    const error = await libraryError(
      (response) => oauth.processDeviceAuthorizationResponse(as, client, response),
      answer('https://tenant.logto.app/oidc/device/auth', 200, '<html>', 'text/html; charset=utf-8'),
    );
    const translated = protocolError(error, 'The device sign-in', 'tenant.logto.app');
    expect(translated.message).toBe(
      'The device sign-in: https://tenant.logto.app/oidc/device/auth answered HTTP 200, with text/html where JSON was expected.',
    );
  });

  it('discovery answering 503 names the discovery URL', async () => {
    const { failure } = await fetchDiscovery('https://tenant.logto.app', {
      http: fakeHttp({ status: 503 }),
      now: () => 0,
    });
    expect(failure?.message).toBe(
      'Discovery: https://tenant.logto.app/oidc/.well-known/openid-configuration answered HTTP 503.',
    );
    expect(failure?.exitCode).toBe(ExitCode.network);
  });

  it('a provider OAuth error code gets its own hint, and an unknown one a general hint', () => {
    expect(oauthErrorHint('invalid_client')).toContain('App ID');
    expect(oauthErrorHint('access_denied')).toContain('Nothing was saved');
    expect(oauthErrorHint('invalid_redirect_uri')).toContain('http://127.0.0.1/callback');
    expect(oauthErrorHint('brand_new_error')).toContain('"brand_new_error"');
  });

  it("through a proxy, only a failure that is the proxy's is blamed on it, never showing its credentials", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:3128'), { code: 'ECONNREFUSED' });
    const failure = proxyFailureOf(
      new TypeError('fetch failed', { cause: refused }),
      'http://u:pw@10.0.0.1:3128',
      'HTTPS_PROXY',
    );
    expect(failure).toMatchObject({
      proxy: 'http://10.0.0.1:3128',
      variable: 'HTTPS_PROXY',
      reason: 'ECONNREFUSED',
    });
    const tunnel = new Error('Proxy response (503) !== 200 when HTTP Tunneling');
    expect(
      proxyFailureOf(new TypeError('fetch failed', { cause: tunnel }), 'http://p:3128', 'https_proxy'),
    ).toMatchObject({
      status: 503,
    });
    // A TLS failure of the tenant through the tunnel is the tenant's (or its CA's): not the proxy's.
    const tls = Object.assign(new Error('self-signed certificate'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(
      proxyFailureOf(new TypeError('fetch failed', { cause: tls }), 'http://p:3128', 'HTTPS_PROXY'),
    ).toBeUndefined();
  });
});

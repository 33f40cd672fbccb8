import { describe, expect, it } from 'vitest';

import { debugLog } from '../../src/io/debug.js';
import { createHttpClient } from '../../src/io/httpClient.js';
import { traceableUrl, tracedHttpClient } from '../../src/io/httpTrace.js';
import { debugVariable } from '../../src/io/debug.js';
import { fakeHttp } from '../helpers/fakeHttp.js';
import { PassThrough } from 'node:stream';

describe('--debug request traces', () => {
  it.each([
    [
      'https://t.example/oidc/session/end?id_token_hint=eyJhbGciOi.x.y&post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%2F',
      'https://t.example/oidc/session/end?id_token_hint=[redacted]&post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%2F',
    ],
    [
      'http://127.0.0.1:8080/callback?code=c0de&state=s7a7e&iss=https%3A%2F%2Ft.example%2Foidc',
      'http://127.0.0.1:8080/callback?code=[redacted]&state=[redacted]&iss=https%3A%2F%2Ft.example%2Foidc',
    ],
    [
      'https://user:pa55@t.example/oidc/auth?client_id=app&response_type=none&nonce=n0nce&code_challenge=abc#frag',
      'https://t.example/oidc/auth?client_id=app&response_type=none&nonce=[redacted]&code_challenge=abc',
    ],
    // Names are matched decoded and in any case; a value-less name is left as it is.
    [
      'https://t.example/x?Refresh%5Ftoken=r3fresh&TOKEN=t0ken&code&device_code=d3v',
      'https://t.example/x?Refresh%5Ftoken=[redacted]&TOKEN=[redacted]&code&device_code=[redacted]',
    ],
    [
      'https://t.example/oidc/.well-known/openid-configuration',
      'https://t.example/oidc/.well-known/openid-configuration',
    ],
  ])('shows %s as %s', (url, shown) => {
    expect(traceableUrl(url)).toBe(shown);
  });

  it('traces method, URL, status and time; a failure with its cause; the proxy without credentials', async () => {
    const lines: string[] = [];
    let clock = 1_000;
    const now = () => (clock += 25);
    const ok = tracedHttpClient(fakeHttp({ status: 204 }), (line) => lines.push(line), now);
    await ok.request(new URL('https://t.example/oidc/me?access_token=s3cret'), { method: 'get' });
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    const down = tracedHttpClient(fakeHttp(refused), (line) => lines.push(line), now);
    await expect(down.request(new URL('https://t.example/oidc/jwks'))).rejects.toBe(refused);
    const proxied = createHttpClient({ HTTPS_PROXY: 'http://user:s3cret@proxy.example:3128' });
    const viaProxy = tracedHttpClient(
      { ...fakeHttp({ status: 200 }), proxyFor: proxied.proxyFor },
      (line) => lines.push(line),
      now,
    );
    await viaProxy.request(new URL('https://t.example/oidc/.well-known/openid-configuration'));
    expect(lines).toEqual([
      'http GET https://t.example/oidc/me?access_token=[redacted] → 204 in 25 ms',
      'http GET https://t.example/oidc/jwks → failed (ECONNREFUSED) after 25 ms',
      'http GET https://t.example/oidc/.well-known/openid-configuration via proxy http://proxy.example:3128 → 200 in 25 ms',
    ]);
  });

  it('never shows a proxy value that does not parse (a password may sit anywhere in it)', async () => {
    const lines: string[] = [];
    const client = tracedHttpClient(
      { ...fakeHttp({ status: 200 }), proxyFor: () => 'user:s3cret pw@proxy:3128' },
      (line) => lines.push(line),
      () => 0,
    );
    await client.request(new URL('https://t.example/oidc/jwks'));
    expect(lines).toEqual([
      'http GET https://t.example/oidc/jwks via proxy (a value that is not a URL; not shown) → 200 in 0 ms',
    ]);
  });

  it('goes through debugLog, which redacts anything token-shaped left', async () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const client = tracedHttpClient(fakeHttp({ status: 200 }), debugLog(stderr, true), () => 0);
    await client.request(new URL('https://t.example/api/eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'));
    expect(text).toBe('debug: http GET https://t.example/api/[redacted] → 200 in 0 ms\n');
  });

  it.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    ['No', false],
    ['off', false],
    ['1', true],
    ['true', true],
    ['yes', true],
  ])('HFLOGIN_DEBUG=%j turns tracing on: %s', (value, on) => {
    expect(debugVariable(value === undefined ? {} : { HFLOGIN_DEBUG: value })).toBe(on);
  });
});

import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';

import { ExitCode, HfloginError } from '../../src/io/errors.js';
import { fetchDiscovery } from '../../src/oauth/discovery.js';
import { discover, requestOptions } from '../../src/oauth/provider.js';
import { checkVerificationUris, insecureAllowed } from '../../src/oauth/providerUrls.js';
import { fetchUserinfo } from '../../src/oauth/userinfo.js';
import { fakeHttp } from '../helpers/fakeHttp.js';
import { expectRefused } from '../helpers/hostile.js';

/** An HTTP client whose every GET is answered with `document` as JSON, recording the URLs asked. */
const documentHttp = (document: Record<string, unknown>) =>
  fakeHttp({ body: Buffer.from(JSON.stringify(document)) });

const now = () => 1_000_000;

/** A Logto tenant's discovery document (the fields hflogin uses), as Logto serves it. */
function logtoDocument(endpoint: string): Record<string, unknown> {
  const issuer = `${endpoint}/oidc`;
  return {
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/me`,
    jwks_uri: `${issuer}/jwks`,
    revocation_endpoint: `${issuer}/token/revocation`,
    device_authorization_endpoint: `${issuer}/device/auth`,
    end_session_endpoint: `${issuer}/session/end`,
  };
}

const tenant = 'https://tenant.logto.app';

/** Discovery of `endpoint` with `field` set to `value`: the failure it ends with, if any. */
async function discoveryWith(endpoint: string, field: string, value: unknown) {
  const http = documentHttp({ ...logtoDocument(endpoint), [field]: value });
  const answer = await fetchDiscovery(endpoint, { http, now });
  // The one discovery (login, refresh, revocation) refuses it too, before any other request.
  const thrown = await discover(endpoint, 'app', { http, now }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(http.urls.every((url) => url.endsWith('/.well-known/openid-configuration'))).toBe(true);
  return { failure: answer.failure, metadata: answer.metadata, thrown };
}

describe('provider URLs from discovery (oauth/providerUrls.ts)', () => {
  it("accepts a Logto tenant's own document, https and http-on-loopback alike", async () => {
    for (const endpoint of [tenant, 'http://127.0.0.1:3001', 'https://127.0.0.1:8443']) {
      const http = documentHttp(logtoDocument(endpoint));
      expect((await fetchDiscovery(endpoint, { http, now })).failure).toBeUndefined();
      const provider = await discover(endpoint, 'app', { http, now });
      expect(provider.as.token_endpoint).toBe(`${endpoint}/oidc/token`);
    }
  });

  const hostileValues: Array<[string, string, RegExp]> = [
    ['file:', 'file:///etc/passwd', /file:\/\/\/etc\/passwd: hflogin only talks https/],
    [
      'javascript:',
      'javascript:alert(document.cookie)',
      /javascript:alert\(document.cookie\): hflogin only talks https/,
    ],
    [
      'remote http:',
      'http://evil.example/oidc/x',
      /http:\/\/evil.example\/oidc\/x: hflogin only talks https/,
    ],
  ];
  const fields = ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri'];
  const matrix = fields.flatMap((field) =>
    hostileValues.map(([kind, value, message]) => [field, kind, value, message] as const),
  );

  it.each(matrix)('refuses %s as %s (%s), naming the field', async (field, kind, value, message) => {
    const { failure, metadata, thrown } = await discoveryWith(tenant, field, value);
    expectRefused(`discovery ${field} ${kind}`, failure !== undefined && metadata === undefined);
    expect(failure).toBeInstanceOf(HfloginError);
    expect(failure!.exitCode).toBe(ExitCode.failed);
    expect(failure!.code).toBe('verification_failed');
    expect(failure!.message).toMatch(new RegExp(`^The provider's discovery document has ${field} `));
    expect(failure!.message).toMatch(message);
    expect((thrown as HfloginError).message).toBe(failure!.message);
  });

  it.each([
    ['revocation_endpoint', 'file:///etc/passwd'],
    ['device_authorization_endpoint', 'http://evil.example/device/auth'],
    ['token_endpoint', 'not a url at all'],
    ['jwks_uri', 42],
    ['userinfo_endpoint', 'data:application/json,{"sub":"x"}'],
  ])('refuses %s = %j', async (field, value) => {
    const { failure } = await discoveryWith(tenant, field, value);
    expectRefused(`discovery ${field} ${JSON.stringify(value)}`, failure !== undefined);
    expect(failure!.message).toContain(`has ${field} `);
    expect(failure!.exitCode).toBe(ExitCode.failed);
  });

  it("refuses an https authorization endpoint on another origin than the issuer's, saying why", async () => {
    const { failure } = await discoveryWith(
      tenant,
      'authorization_endpoint',
      'https://tenant.logto.app.evil.example/oidc/auth',
    );
    expectRefused('discovery authorization_endpoint on another origin', failure !== undefined);
    expect(failure!.message).toContain(
      "authorization_endpoint https://tenant.logto.app.evil.example/oidc/auth, which is not on the issuer's origin https://tenant.logto.app",
    );
    // Another port is another origin too.
    const port = await discoveryWith(
      tenant,
      'authorization_endpoint',
      'https://tenant.logto.app:8443/oidc/auth',
    );
    expectRefused('discovery authorization_endpoint on another port', port.failure !== undefined);
  });

  it('refuses a downgrade: an https://127.0.0.1 tenant whose document lists an http://127.0.0.1 token endpoint', async () => {
    const endpoint = 'https://127.0.0.1:8443';
    const { failure } = await discoveryWith(endpoint, 'token_endpoint', 'http://127.0.0.1:8443/oidc/token');
    expectRefused('https loopback tenant, http loopback token_endpoint', failure !== undefined);
    expect(failure!.message).toContain(
      'token_endpoint http://127.0.0.1:8443/oidc/token: hflogin only talks https (or http to this machine for a loopback tenant)',
    );
    // An http loopback tenant may not point at a remote http host either.
    const remote = await discoveryWith(
      'http://127.0.0.1:3001',
      'token_endpoint',
      'http://evil.example/token',
    );
    expectRefused('http loopback tenant, remote http token_endpoint', remote.failure !== undefined);
  });
});

describe('plain http per URL, not per tenant', () => {
  it('lets oauth4webapi use http only for a loopback http URL', () => {
    const http = documentHttp({});
    const allowed = (url: string | undefined) => oauth.allowInsecureRequests in requestOptions(url, http);
    expect(allowed('http://127.0.0.1:3001/oidc/token')).toBe(true);
    expect(allowed('http://[::1]:3001/oidc/token')).toBe(true);
    expectRefused('allowInsecureRequests for https', !allowed('https://127.0.0.1:8443/oidc/token'));
    expectRefused('allowInsecureRequests for remote http', !allowed('http://evil.example/oidc/token'));
    expectRefused('allowInsecureRequests for file:', !allowed('file://localhost/etc/passwd'));
    expect(allowed(undefined)).toBe(false);
    expect(insecureAllowed('not a url')).toBe(false);
  });

  it('never sends the access token to a userinfo endpoint read back from a session that breaks the rule', async () => {
    const http = documentHttp({ sub: 'u1' });
    for (const endpoint of [
      'file://localhost/etc/passwd',
      'http://evil.example/me',
      // An older session for an https tenant naming a plain-http listener on this machine.
      'http://127.0.0.1:8080/me',
    ]) {
      const refused = await fetchUserinfo(endpoint, 'token', 'u1', {
        http,
        tenant: 'https://tenant.logto.app',
      }).then(
        () => false,
        (error: unknown) =>
          error instanceof HfloginError && /Refusing to send the access token/.test(error.message),
      );
      expectRefused(`userinfo at ${endpoint}`, refused);
    }
    expect(http.urls).toEqual([]);
  });
});

describe('device verification URIs', () => {
  const uris = (verificationUri: string, complete?: string) => ({
    verification_uri: verificationUri,
    ...(complete ? { verification_uri_complete: complete } : {}),
  });
  const refusal = (device: ReturnType<typeof uris>, endpoint = tenant) => {
    try {
      checkVerificationUris(endpoint, device);
      return undefined;
    } catch (error) {
      return error as HfloginError;
    }
  };

  it("accepts Logto's: /device and /oidc/device on the tenant's origin", () => {
    expect(refusal(uris(`${tenant}/device`, `${tenant}/device?user_code=ABCD-EFGH`))).toBeUndefined();
    expect(refusal(uris(`${tenant}/oidc/device`))).toBeUndefined();
    expect(refusal(uris('http://127.0.0.1:3001/device'), 'http://127.0.0.1:3001')).toBeUndefined();
  });

  it.each([
    ['verification_uri', uris('https://hugging-face.evil.example/device')],
    ['verification_uri', uris('javascript:alert(1)')],
    [
      'verification_uri_complete',
      uris(`${tenant}/device`, 'https://hugging-face.evil.example/device?user_code=ABCD'),
    ],
    ['verification_uri_complete', uris(`${tenant}/device`, 'http://tenant.logto.app/device?user_code=ABCD')],
  ])('refuses %s %j', (field, device) => {
    const error = refusal(device);
    expectRefused(`device ${field} ${JSON.stringify(device)}`, error !== undefined);
    expect(error!.message).toMatch(new RegExp(`^The provider's device authorization has ${field} `));
    expect(error!.exitCode).toBe(ExitCode.failed);
  });
});

import { describe, expect, it } from 'vitest';

import { ExitCode, HfloginError } from '../../src/io/errors.js';
import {
  choiceScopes,
  logtoAuthorizationParameters,
  signInChoices,
  validateOrganizationId,
  validateResource,
} from '../../src/logto/authorizationParameters.js';
import { certainlySeparateGrants } from '../../src/logto/grants.js';
import type { RawResponse } from '../../src/io/rawRequest.js';
import {
  appCheckFailure,
  authorizationCheckUrl,
  readAuthorizationCheck,
  readDeviceCheck,
  registrableRedirectUri,
  type AppCheck,
} from '../../src/logto/appCheck.js';
import { discoveryUrlOf, issuerOf } from '../../src/logto/issuer.js';
import { enabledConnectorTargets, signInExperienceUrl } from '../../src/logto/signInExperience.js';
import {
  assertOrganizationsGranted,
  audienceGrantParameters,
  organizationScopes,
  organizationsScope,
} from '../../src/logto/organizations.js';
import { defaultScopes, refreshTokenPrompt, requestedScopes } from '../../src/logto/scopes.js';

describe('Logto issuer', () => {
  it.each([
    [
      'https://tenant.logto.app',
      'https://tenant.logto.app/oidc',
      'https://tenant.logto.app/oidc/.well-known/openid-configuration',
    ],
    [
      'http://127.0.0.1:3001',
      'http://127.0.0.1:3001/oidc',
      'http://127.0.0.1:3001/oidc/.well-known/openid-configuration',
    ],
    [
      'https://auth.example.com/base',
      'https://auth.example.com/base/oidc',
      'https://auth.example.com/base/oidc/.well-known/openid-configuration',
    ],
  ])('%s → issuer %s, discovery %s', (endpoint, issuer, discovery) => {
    expect(issuerOf(endpoint).href).toBe(issuer);
    expect(discoveryUrlOf(issuerOf(endpoint)).href).toBe(discovery);
  });
});

describe('Logto scopes', () => {
  it('asks for a refresh token the way Logto issues one: offline_access with prompt=consent', () => {
    expect(defaultScopes).toContain('offline_access');
    expect(refreshTokenPrompt).toBe('consent');
    expect(signInChoices().prompt).toBe('consent');
  });

  it.each([
    [[], [], defaultScopes],
    [['roles'], [], [...defaultScopes, 'roles']],
    [['email', 'roles', 'roles'], [], [...defaultScopes, 'roles']],
    [[], [organizationsScope], [...defaultScopes, organizationsScope]],
    [[organizationsScope], [organizationsScope], [...defaultScopes, organizationsScope]],
  ])('extra %j, implied %j → %j', (extra, implied, expected) => {
    expect(requestedScopes(extra, implied)).toEqual(expected);
  });
});

describe('Logto organizations', () => {
  it.each([
    [undefined, []],
    ['org1', [organizationsScope]],
  ])('organization %s implies scopes %j', (organizationId, expected) => {
    expect(organizationScopes(organizationId)).toEqual(expected);
    expect(choiceScopes(signInChoices({ organizationId }))).toEqual([...defaultScopes, ...expected]);
  });

  it.each([
    [{}, {}],
    [{ resource: 'https://api.example.com' }, { resource: 'https://api.example.com' }],
    [{ organization: 'org1' }, { organization_id: 'org1' }],
    [
      { resource: 'https://api.example.com', organization: 'org1' },
      { resource: 'https://api.example.com', organization_id: 'org1' },
    ],
  ])('refresh grant for %j sends %j', (audience, expected) => {
    expect(audienceGrantParameters(audience)).toEqual(expected);
  });

  it('refuses organization tokens for a grant without the organizations scope (missing_scope, exit 1)', () => {
    expect(() => assertOrganizationsGranted(['openid', organizationsScope], 'org1')).not.toThrow();
    let error: unknown;
    try {
      assertOrganizationsGranted(['openid', 'offline_access'], 'org1');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HfloginError);
    expect(error).toMatchObject({ code: 'missing_scope', exitCode: ExitCode.failed });
    expect((error as HfloginError).hint).toContain('--organization org1');
  });
});

describe('Logto authorization parameters', () => {
  it.each([
    [{}, { direct_sign_in: 'social:huggingface' }],
    [{ connector: false as const }, {}],
    [{ signUp: true }, { direct_sign_in: 'social:huggingface', first_screen: 'register' }],
    [{ organizationId: 'org1' }, { direct_sign_in: 'social:huggingface', organization_id: 'org1' }],
    [
      { loginHint: 'a@b.c', uiLocales: 'th' },
      { direct_sign_in: 'social:huggingface', login_hint: 'a@b.c', ui_locales: 'th' },
    ],
  ])('choices %j → Logto parameters %j', (overrides, expected) => {
    const params = Object.fromEntries(logtoAuthorizationParameters(signInChoices(overrides)));
    const { scope, ...rest } = params;
    expect(rest).toEqual(expected);
    expect(scope!.split(' ')).toEqual(choiceScopes(signInChoices(overrides)));
  });

  it('repeats resource once per API', () => {
    const params = logtoAuthorizationParameters(
      signInChoices({ resources: ['https://a.example', 'https://b.example'] }),
    );
    expect(params.getAll('resource')).toEqual(['https://a.example', 'https://b.example']);
  });

  it.each([
    ['https://api.example.com', true],
    ['urn:example:api', true],
    ['not a uri', false],
    ['https://api.example.com/#x', false],
  ])('resource %s valid: %s', (resource, valid) => {
    const check = () => validateResource(resource);
    if (valid) expect(check).not.toThrow();
    else expect(check).toThrow(/is not a resource indicator/);
  });

  it.each([
    ['org_1-A', true],
    ['', false],
    ['has space', false],
    ['x'.repeat(129), false],
  ])('organization ID %j valid: %s', (organizationId, valid) => {
    const check = () => validateOrganizationId(organizationId);
    if (valid) expect(check).not.toThrow();
    else expect(check).toThrow(/is not an organization ID/);
  });
});

describe('Logto grants (packages/core/src/oidc/init.ts loadExistingGrant)', () => {
  const alice = { endpoint: 'https://t.example', appId: 'native', userId: 'u1' };
  it.each<[string, Partial<typeof alice>, boolean]>([
    ['the same account, app and tenant: maybe one grant', {}, false],
    ['another account', { userId: 'u2' }, true],
    ['another app (the device-flow app)', { appId: 'device' }, true],
    ['another tenant', { endpoint: 'https://other.example' }, true],
  ])('%s', (_name, change, separate) => {
    expect(certainlySeparateGrants(alice, { ...alice, ...change })).toBe(separate);
  });
});

describe('Logto app checks: what an answer means', () => {
  const answer = (status: number, body: unknown, headers: string[] = []): RawResponse => ({
    status,
    statusText: '',
    rawHeaders: headers,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const redirectUri = 'http://127.0.0.1:45678/callback';

  it('asks with an unsupported response_type, the app ID and the redirect URI, and nothing else', () => {
    const url = authorizationCheckUrl('https://tenant.logto.app/oidc/auth', 'app1', redirectUri);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'app1',
      redirect_uri: redirectUri,
      response_type: 'hflogin-app-check',
      scope: 'openid',
      state: 'x',
    });
  });

  it.each<[string, RawResponse, AppCheck]>([
    ['unknown app', answer(400, { error: 'invalid_client' }), { verdict: 'unknown-app' }],
    [
      'redirect URI refused',
      answer(400, { error: 'invalid_redirect_uri' }),
      { verdict: 'redirect-uri-refused' },
    ],
    [
      'both right',
      answer(303, '', ['Location', `${redirectUri}?error=unsupported_response_type&state=x`]),
      { verdict: 'accepted' },
    ],
    [
      'another error at our redirect URI (the client and URI were accepted)',
      answer(302, '', ['location', `${redirectUri}?error=invalid_request&state=x`]),
      { verdict: 'accepted' },
    ],
    [
      'a redirect elsewhere (a proxy’s sign-in page)',
      answer(302, '', ['location', 'https://sso.example.com/login']),
      { verdict: 'unclear', detail: 'HTTP 302 to https://sso.example.com/login' },
    ],
    ['a server error', answer(503, '<h1>busy</h1>'), { verdict: 'unclear', detail: 'HTTP 503' }],
    [
      'another 400',
      answer(400, { error: 'invalid_request' }),
      { verdict: 'unclear', detail: 'HTTP 400 invalid_request' },
    ],
  ])('authorization endpoint, %s', (_what, response, expected) => {
    expect(readAuthorizationCheck(response, redirectUri)).toEqual(expected);
  });

  it.each<[string, RawResponse, AppCheck]>([
    ['a device-flow app', answer(400, { error: 'invalid_target' }), { verdict: 'accepted' }],
    ['a code issued anyway', answer(200, { device_code: 'x' }), { verdict: 'accepted' }],
    [
      'unknown app',
      answer(400, { error: 'invalid_client', error_description: 'invalid client x' }),
      { verdict: 'unknown-app' },
    ],
    [
      'an app that needs a secret',
      answer(401, { error: 'invalid_client', error_description: 'client authentication failed' }),
      { verdict: 'not-device-app' },
    ],
    [
      'not a device-flow app',
      answer(400, {
        error: 'invalid_request',
        error_description: 'urn:ietf:params:oauth:grant-type:device_code is not allowed for this client',
      }),
      { verdict: 'not-device-app' },
    ],
    [
      'a server error',
      answer(500, { error: 'server_error' }),
      { verdict: 'unclear', detail: 'HTTP 500 server_error' },
    ],
  ])('device authorization, %s', (_what, response, expected) => {
    expect(readDeviceCheck(response)).toEqual(expected);
  });

  it('names the port-less loopback URI to register, and gives no error when nothing is wrong', () => {
    expect(registrableRedirectUri('http://127.0.0.1:53117/callback')).toBe('http://127.0.0.1/callback');
    const app = { host: 'tenant.logto.app', clientId: 'app1', redirectUri, kind: 'native' as const };
    expect(appCheckFailure({ verdict: 'accepted' }, app)).toBeUndefined();
    expect(appCheckFailure({ verdict: 'unclear', detail: 'HTTP 503' }, app)).toBeUndefined();
    for (const verdict of ['unknown-app', 'redirect-uri-refused', 'not-device-app'] as const) {
      const failure = appCheckFailure({ verdict }, app)!;
      expect(failure.exitCode).toBe(ExitCode.usage);
      expect(failure.hint).toMatch(/Logto Console → Applications/);
    }
  });
});

describe('Logto sign-in experience', () => {
  it('is under /api, and lists the enabled connectors by target', () => {
    expect(signInExperienceUrl('https://tenant.logto.app').href).toBe(
      'https://tenant.logto.app/api/.well-known/sign-in-exp',
    );
    expect(
      enabledConnectorTargets({
        socialConnectors: [{ target: 'huggingface' }, { target: 'github' }, { id: 'no target' }],
      }),
    ).toEqual(['huggingface', 'github']);
    expect(enabledConnectorTargets({ signInMode: 'SignIn' })).toBeUndefined();
    expect(enabledConnectorTargets(null)).toBeUndefined();
  });
});

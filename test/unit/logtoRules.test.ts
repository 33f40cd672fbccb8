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
import { discoveryUrlOf, issuerOf } from '../../src/logto/issuer.js';
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

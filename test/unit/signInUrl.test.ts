import { describe, expect, it } from 'vitest';

import { ExitCode } from '../../src/io/errors.js';
import {
  signInChoices,
  uiLocalesFromEnv,
  validateChoices,
  type SignInChoices,
} from '../../src/logto/authorizationParameters.js';
import { signInUrl } from '../../src/logto/signInUrl.js';

const base = signInChoices();
const protocol = {
  authorizationEndpoint: 'https://tenant.logto.app/oidc/auth',
  clientId: 'app',
  redirectUri: 'http://127.0.0.1:5000/callback',
  state: 's',
  nonce: 'n',
  codeChallenge: 'c',
};

describe('sign-in URL', () => {
  it('carries the defaults and Hugging Face as the direct sign-in', () => {
    const url = signInUrl(protocol, base);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'app',
      redirect_uri: 'http://127.0.0.1:5000/callback',
      response_type: 'code',
      scope: 'openid offline_access profile email identities',
      prompt: 'consent',
      state: 's',
      nonce: 'n',
      code_challenge: 'c',
      code_challenge_method: 'S256',
      direct_sign_in: 'social:huggingface',
    });
  });

  it('adds sign-up, hints, locale, organization (with its scope) and every resource', () => {
    const url = signInUrl(protocol, {
      ...base,
      connector: false,
      signUp: true,
      loginHint: 'alice@example.com',
      uiLocales: 'th',
      organizationId: 'org1',
      resources: ['https://api.example.com', 'https://other.example.com'],
      scopes: ['read:models'],
    });
    expect(url.searchParams.has('direct_sign_in')).toBe(false);
    expect(url.searchParams.get('first_screen')).toBe('register');
    expect(url.searchParams.get('login_hint')).toBe('alice@example.com');
    expect(url.searchParams.get('ui_locales')).toBe('th');
    expect(url.searchParams.get('organization_id')).toBe('org1');
    expect(url.searchParams.getAll('resource')).toEqual([
      'https://api.example.com',
      'https://other.example.com',
    ]);
    expect(url.searchParams.get('scope')).toBe(
      'openid offline_access profile email identities read:models urn:logto:scope:organizations',
    );
  });

  it.each<[string, Partial<SignInChoices>]>([
    ['a connector target with a space', { connector: 'hugging face' }],
    ['a scope with a quote', { scopes: ['a"b'] }],
    ['a relative resource', { resources: ['/api'] }],
    ['a resource with a fragment', { resources: ['https://api.example.com/#x'] }],
    ['an organization id with a slash', { organizationId: 'a/b' }],
    ['an empty login hint', { loginHint: '' }],
    ['a login hint with a control character', { loginHint: 'a\nb' }],
    ['an unknown prompt', { prompt: 'always' }],
    ['prompt none with another', { prompt: 'none consent' }],
  ])('refuses %s before sending (exit 2)', (_name, change) => {
    expect(() => validateChoices({ ...base, ...change })).toThrow(
      expect.objectContaining({ exitCode: ExitCode.usage }),
    );
  });

  it.each([
    [{ LANG: 'th_TH.UTF-8' }, 'th'],
    [{ LC_ALL: 'en_GB.UTF-8', LANG: 'th_TH.UTF-8' }, 'en'],
    [{ LC_MESSAGES: 'de_DE@euro' }, 'de'],
    [{ LANG: 'C.UTF-8' }, undefined],
    [{ LANG: 'POSIX' }, undefined],
    [{}, undefined],
  ])('ui_locales from %j is %s', (env, expected) => {
    expect(uiLocalesFromEnv(env)).toBe(expected);
  });
});

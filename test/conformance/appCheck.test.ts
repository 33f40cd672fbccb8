import { afterEach, describe, expect, it } from 'vitest';

import { useEmulator } from '../helpers/useEmulator.js';

/**
 * What a client can learn about an app before any browser opens, exactly as a real Logto 1.42
 * answers it (the same rows run against real Logto in test/logto/paired.test.ts): the authorization
 * endpoint with an unsupported response_type, the device authorization with a malformed resource,
 * and the public sign-in experience.
 */
describe('checking an app without side effects', () => {
  const emulator = useEmulator();
  afterEach(() => {
    emulator.options.huggingFaceConnector = true;
  });

  const redirectUri = 'http://127.0.0.1:45678/callback';

  async function authorizationCheck(clientId: string, redirect = redirectUri) {
    const url = new URL(`${emulator.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirect,
      response_type: 'hflogin-app-check',
      scope: 'openid',
      state: 'x',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      location: response.headers.get('location'),
      cookies: response.headers.getSetCookie(),
      text: await response.text(),
    };
  }

  async function deviceCheck(clientId: string) {
    const response = await fetch(`${emulator.issuer}/device/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: clientId, scope: 'openid', resource: 'not-a-url' }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('answers an unknown app with 400 JSON invalid_client, with Logto’s code and message, and no redirect', async () => {
    const answer = await authorizationCheck('no-such-app');
    expect(answer.status).toBe(400);
    expect(answer.type).toBe('application/json; charset=utf-8');
    expect(answer.location).toBeNull();
    expect(JSON.parse(answer.text)).toStrictEqual({
      code: 'oidc.invalid_client',
      message: 'An OIDC error occurred: oidc.invalid_client.',
      error: 'invalid_client',
      error_description: 'invalid client no-such-app',
      state: 'x',
      iss: emulator.issuer,
    });
    expect(answer.cookies).toEqual([]);
  });

  it('answers a redirect URI the app does not register with 400 JSON invalid_redirect_uri', async () => {
    for (const [clientId, redirect] of [
      [emulator.appId, 'http://127.0.0.1:45678/other'],
      // The device-flow app registers no redirect URI at all.
      [emulator.deviceAppId, redirectUri],
    ] as const) {
      const answer = await authorizationCheck(clientId, redirect);
      expect(answer.status).toBe(400);
      expect(answer.location).toBeNull();
      expect(JSON.parse(answer.text)).toStrictEqual({
        code: 'oidc.invalid_redirect_uri',
        message: "`redirect_uri` did not match any of the client's registered `redirect_uris`.",
        error: 'invalid_redirect_uri',
        error_description: "redirect_uri did not match any of the client's registered redirect_uris",
        state: 'x',
        iss: emulator.issuer,
      });
    }
  });

  it('redirects (303) to the redirect URI with unsupported_response_type when both are right, creating no interaction', async () => {
    const answer = await authorizationCheck(emulator.appId);
    expect(answer.status).toBe(303);
    const location = new URL(answer.location!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(Object.fromEntries(location.searchParams)).toStrictEqual({
      error: 'unsupported_response_type',
      error_description: 'unsupported response_type requested',
      state: 'x',
      iss: emulator.issuer,
    });
    // An interaction would come with its `_interaction` cookie: there is none, nor any other.
    expect(answer.cookies).toEqual([]);
  });

  it('tells a device-flow app from the rest with a malformed resource, before any device code exists', async () => {
    const before = emulator.stats.deviceAuthorizations.length;
    expect(await deviceCheck('no-such-app')).toStrictEqual({
      status: 400,
      body: {
        code: 'oidc.invalid_client',
        message: 'An OIDC error occurred: oidc.invalid_client.',
        error: 'invalid_client',
        error_description: 'invalid client no-such-app',
      },
    });
    expect(await deviceCheck(emulator.appId)).toStrictEqual({
      status: 400,
      body: {
        code: 'oidc.invalid_request',
        message: 'Request is invalid.',
        error: 'invalid_request',
        error_description: 'urn:ietf:params:oauth:grant-type:device_code is not allowed for this client',
      },
    });
    expect(await deviceCheck(emulator.deviceAppId)).toStrictEqual({
      status: 400,
      body: {
        code: 'oidc.invalid_target',
        message: 'Invalid resource indicator.',
        error: 'invalid_target',
        error_description: 'resource indicator must be an absolute URI',
      },
    });
    // Three requests recorded, none of them answered with a code to poll.
    expect(emulator.stats.deviceAuthorizations).toHaveLength(before + 3);
    expect(Object.keys(emulator.stats.devicePolls)).toEqual([]);
  });

  it('serves the public sign-in experience with the enabled social connectors, and none once disabled', async () => {
    const read = async () => {
      const response = await fetch(`${emulator.endpoint}/api/.well-known/sign-in-exp`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      return (await response.json()) as Record<string, unknown>;
    };
    const enabled = await read();
    expect(enabled.socialSignInConnectorTargets).toEqual(['huggingface']);
    expect(enabled.socialConnectors).toEqual([
      {
        id: expect.any(String),
        target: 'huggingface',
        name: { en: 'Hugging Face' },
        logo: expect.any(String),
        logoDark: null,
        platform: 'Universal',
      },
    ]);
    expect(enabled.signInMode).toBe('SignInAndRegister');

    emulator.options.huggingFaceConnector = false;
    const disabled = await read();
    expect(disabled.socialConnectors).toEqual([]);
    expect(disabled.socialSignInConnectorTargets).toEqual([]);
  });

  it('adds Logto’s code and message to every OAuth error body, and not with ?parse_error=false', async () => {
    const refused = await fetch(`${emulator.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: emulator.appId,
        refresh_token: 'x',
      }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toStrictEqual({
      code: 'oidc.invalid_grant',
      message: 'Grant request is invalid.',
      error_uri: 'https://openid.sh/debug/invalid_grant',
      error: 'invalid_grant',
      error_description: 'grant request is invalid',
    });
    const raw = await fetch(`${emulator.issuer}/token?parse_error=false`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: emulator.appId,
        refresh_token: 'x',
      }),
    });
    expect(await raw.json()).toStrictEqual({
      error: 'invalid_grant',
      error_description: 'grant request is invalid',
    });
  });
});

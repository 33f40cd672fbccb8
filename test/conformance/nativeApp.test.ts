import { describe, expect, it } from 'vitest';

import { HttpUserAgent } from '../helpers/httpUserAgent.js';
import { TestClient, useTestClient } from '../helpers/oidcClient.js';

/** The native app is public (no secret), requires PKCE S256, and matches loopback redirects on any port. */
describe('native public app', () => {
  const { emulator, client } = useTestClient();

  async function authorize(params: Record<string, string>) {
    const request = await client.authorizationRequest(params);
    return new HttpUserAgent().request(request.url);
  }

  it('accepts http://127.0.0.1/callback on any port', async () => {
    for (const port of [1024, 45_678, 65_535]) {
      const other = await TestClient.discover(emulator, emulator.appId, port);
      const { tokens } = await other.signIn();
      expect(tokens.access_token).toBeTypeOf('string');
    }
  });

  it('refuses another host or another path, without redirecting to it', async () => {
    for (const redirectUri of [
      'http://localhost:45678/callback',
      'http://127.0.0.2:45678/callback',
      'http://127.0.0.1:45678/other',
      'http://127.0.0.1:45678/callback/extra',
      'https://127.0.0.1:45678/callback',
    ]) {
      const hop = await authorize({ redirect_uri: redirectUri });
      expect.soft(hop.location, redirectUri).toBeUndefined();
      expect.soft(hop.status, redirectUri).toBe(400);
      expect.soft(JSON.parse(hop.body), redirectUri).toMatchObject({ error: 'invalid_redirect_uri' });
    }
  });

  it('requires PKCE and refuses the plain method', async () => {
    const missing = await authorize({ code_challenge: '', code_challenge_method: '' });
    expect(new URL(missing.location!).searchParams.get('error')).toBe('invalid_request');
    expect(new URL(missing.location!).searchParams.get('error_description')).toMatch(/PKCE/);

    const plain = await authorize({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' });
    expect(new URL(plain.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses a code exchange with the wrong code_verifier', async () => {
    const agent = new HttpUserAgent();
    const request = await client.authorizationRequest();
    const callback = await client.signInWithHuggingFace(agent, request.url);
    await expect(
      client.exchange(callback, { ...request, codeVerifier: 'x'.repeat(64) }),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('has no client secret: a token request with one is refused', async () => {
    const response = await fetch(client.as.token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'whatever',
        client_id: emulator.appId,
        client_secret: 'not-a-secret',
      }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('answers the authorization response with iss (RFC 9207) and the state it was given', async () => {
    const agent = new HttpUserAgent();
    const request = await client.authorizationRequest();
    const callback = await client.signInWithHuggingFace(agent, request.url);
    expect(callback.searchParams.get('iss')).toBe(emulator.issuer);
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('code')).toBeTruthy();
  });

  it('has a second app of the device-flow kind, and only it may use the device flow', async () => {
    const device = await fetch(`${emulator.issuer}/device/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: emulator.deviceAppId, scope: 'openid' }),
    });
    expect(device.status).toBe(200);

    const native = await fetch(`${emulator.issuer}/device/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: emulator.appId, scope: 'openid' }),
    });
    expect(native.status).toBe(400);
    expect(await native.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/device_code is not allowed/),
    });

    // …and the device app cannot use the browser flow.
    const deviceClient = await TestClient.discover(emulator, emulator.deviceAppId);
    const request = await deviceClient.authorizationRequest();
    const hop = await new HttpUserAgent().request(request.url);
    expect(hop.status).toBe(400);
  });
});

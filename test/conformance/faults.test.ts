import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';

import { faults, type Fault } from '../emulator/index.js';
import { HttpUserAgent } from '../helpers/httpUserAgent.js';
import { useTestClient } from '../helpers/oidcClient.js';

/**
 * The faulty switch breaks one thing at a time. Each fault must (a) really be in the response and
 * (b) be refused by a conforming client (oauth4webapi, with the ID token signature checked).
 */
describe('faulty switch', () => {
  const { emulator, client } = useTestClient();
  afterEach(() => emulator.setFault(null));

  /** The raw token response body of one sign-in, and the callback it came through. */
  async function rawSignIn() {
    const agent = new HttpUserAgent();
    const request = await client.authorizationRequest();
    const callback = await client.signInWithHuggingFace(agent, request.url);
    const response = await fetch(client.as.token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: emulator.appId,
        code: callback.searchParams.get('code') ?? '',
        redirect_uri: client.redirectUri,
        code_verifier: request.codeVerifier,
      }),
    });
    return { callback, request, body: (await response.json()) as Record<string, string> };
  }

  const defect: Record<Fault, (signIn: Awaited<ReturnType<typeof rawSignIn>>) => void> = {
    id_token_bad_signature: ({ body }) => expect(decodeJwt(body.id_token!).sub).toBe('u1alice00001'),
    id_token_unknown_kid: ({ body }) =>
      expect(decodeProtectedHeader(body.id_token!).kid).toBe('kid-not-in-jwks'),
    id_token_alg_none: ({ body }) => expect(decodeProtectedHeader(body.id_token!).alg).toBe('none'),
    id_token_wrong_iss: ({ body }) => expect(decodeJwt(body.id_token!).iss).not.toBe(emulator.issuer),
    id_token_wrong_aud: ({ body }) => expect(decodeJwt(body.id_token!).aud).toBe('some-other-app'),
    id_token_expired: ({ body }) => expect(decodeJwt(body.id_token!).exp).toBeLessThan(Date.now() / 1000),
    id_token_wrong_nonce: ({ body, request }) =>
      expect(decodeJwt(body.id_token!).nonce).not.toBe(request.nonce),
    id_token_missing_nonce: ({ body }) => expect(decodeJwt(body.id_token!)).not.toHaveProperty('nonce'),
    auth_response_missing_iss: ({ callback }) => expect(callback.searchParams.has('iss')).toBe(false),
    auth_response_wrong_iss: ({ callback }) =>
      expect(callback.searchParams.get('iss')).not.toBe(emulator.issuer),
    auth_response_wrong_state: ({ callback, request }) =>
      expect(callback.searchParams.get('state')).not.toBe(request.state),
    token_response_missing_id_token: ({ body }) => expect(body).not.toHaveProperty('id_token'),
    token_response_unsupported_token_type: ({ body }) => expect(body.token_type).toBe('MAC'),
  };

  it('a well-behaved emulator passes the same checks', async () => {
    await expect(client.signIn()).resolves.toBeDefined();
  });

  it.each(faults)('%s is present in the response and refused by a conforming client', async (fault) => {
    emulator.setFault(fault);
    const applied = emulator.stats.faultsApplied;
    defect[fault](await rawSignIn());
    expect(emulator.stats.faultsApplied).toBeGreaterThan(applied);
    await expect(client.signIn()).rejects.toThrow();
  });
});

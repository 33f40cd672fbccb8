import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';

import { useTestClient } from '../helpers/oidcClient.js';

const organizationScope = 'openid offline_access profile urn:logto:scope:organizations';

describe('stats.refreshTokenReuse', () => {
  // A 1 s grace keeps the wait for "after the grace" short.
  const { emulator, client } = useTestClient({ emulator: { refreshTokenReuseIntervalSeconds: 1 } });

  it('stays 0 for a client that only ever presents its newest refresh token', async () => {
    const refreshes = emulator.stats.tokenRequests.refresh_token ?? 0;
    const { tokens } = await client.signIn({ scope: organizationScope });
    const first = await client.refresh(tokens.refresh_token!);
    const second = await client.refresh(first.refresh_token!, { organization_id: 'org-open-models' });
    await client.refresh(second.refresh_token!);
    expect(emulator.stats.tokenRequests.refresh_token).toBe(refreshes + 3);
    expect(emulator.stats.refreshTokenReuse).toBe(0);
  });

  it('counts a replay inside the grace, one after it, and one after the grant is gone', async () => {
    const before = emulator.stats.refreshTokenReuse;
    const { tokens } = await client.signIn();
    const rotated = await client.refresh(tokens.refresh_token!);
    expect(emulator.stats.refreshTokenReuse).toBe(before);

    // Inside the grace the replay succeeds, yet it is a replay.
    const racing = await client.refresh(tokens.refresh_token!);
    expect(racing.access_token).toBeTypeOf('string');
    expect(emulator.stats.refreshTokenReuse).toBe(before + 1);

    await sleep(1_300);
    const late = await client.refreshRaw(tokens.refresh_token!);
    expect(late.status).toBe(400);
    expect(emulator.stats.refreshTokenReuse).toBe(before + 2);

    // The replayed token was destroyed with its grant; presenting it again is still a replay…
    expect((await client.refreshRaw(tokens.refresh_token!)).status).toBe(400);
    expect(emulator.stats.refreshTokenReuse).toBe(before + 3);
    // …while the newest token, revoked with the grant but never used, is not.
    expect((await client.refreshRaw(rotated.refresh_token!)).status).toBe(400);
    expect(emulator.stats.refreshTokenReuse).toBe(before + 3);
  });

  it('counts a replay on the organization path', async () => {
    const before = emulator.stats.refreshTokenReuse;
    const { tokens } = await client.signIn({ scope: organizationScope });
    await client.refresh(tokens.refresh_token!, { organization_id: 'org-open-models' });
    const replay = await client.refresh(tokens.refresh_token!, { organization_id: 'org-open-models' });
    expect(replay.access_token).toBeTypeOf('string');
    expect(emulator.stats.refreshTokenReuse).toBe(before + 1);
  });
});

describe('options.refreshResponseDelayMs and emulator.events', () => {
  const delayMs = 600;
  const { emulator, client } = useTestClient({ emulator: { refreshResponseDelayMs: delayMs } });

  it('holds a refresh response back after the rotation, announcing it with `refresh`', async () => {
    const heard: unknown[] = [];
    const listener = (event: unknown) => heard.push(event);
    emulator.events.on('refresh', listener);
    const { tokens } = await client.signIn();
    // Sign-in is not a refresh: neither announced nor held.
    expect(heard).toEqual([]);

    const started = performance.now();
    const order: string[] = [];
    const refreshed = once(emulator.events, 'refresh').then(([event]) => {
      order.push('refresh event');
      return { event, at: performance.now() };
    });
    const response = client.refreshRaw(tokens.refresh_token!).then((answer) => {
      order.push('response');
      return answer;
    });
    const [{ event }, answer] = await Promise.all([refreshed, response]);
    const elapsed = performance.now() - started;
    emulator.events.off('refresh', listener);

    expect(answer.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(delayMs);
    expect(order).toEqual(['refresh event', 'response']);
    // No token in the payload, just who and how long.
    expect(event).toEqual({ clientId: emulator.appId, delayMs });
    expect(heard).toHaveLength(1);
  });

  it('has consumed the old refresh token by the time it announces the refresh', async () => {
    const { tokens } = await client.signIn();
    const before = emulator.stats.refreshTokenReuse;
    const replayed = once(emulator.events, 'refresh').then(() =>
      // What a client restarted mid-refresh does: presents the token it still holds.
      client.refreshRaw(tokens.refresh_token!),
    );
    const first = await client.refreshRaw(tokens.refresh_token!);
    expect(first.status).toBe(200);
    expect((await replayed).status).toBe(200);
    expect(emulator.stats.refreshTokenReuse).toBe(before + 1);
  });
});

describe('options.refreshFault', () => {
  const { emulator, client } = useTestClient({ emulator: { refreshFault: 'id_token_other_sub' } });

  it('id_token_other_sub: the refreshed ID token names another user, validly signed', async () => {
    // Sign-in is untouched: the client holds Alice's session.
    const { tokens } = await client.signIn();
    expect(decodeJwt(tokens.id_token!).sub).toBe('u1alice00001');
    expect(emulator.stats.faultsApplied).toBe(0);

    const response = await client.refreshRaw(tokens.refresh_token!);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id_token: string };
    const jwks = createRemoteJWKSet(new URL(client.as.jwks_uri!));
    const { payload } = await jwtVerify(body.id_token, jwks, {
      issuer: emulator.issuer,
      audience: emulator.appId,
    });
    expect(payload.sub).toBe('u2lee0000002');
    expect(emulator.stats.faultsApplied).toBe(1);

    // The token oidc-provider built (recorded before the fault) differs only in sub.
    const issued = emulator.stats.issuedTokens;
    expect(issued.at(-1)).toBe(body.id_token);
    const original = decodeJwt(issued.at(-2)!);
    expect(original.sub).toBe('u1alice00001');
    expect({ ...payload, sub: original.sub }).toEqual(original);
  });
});

describe('stats.deviceAuthorizations and stats.devicePolls', () => {
  const { emulator, client } = useTestClient({
    app: 'device',
    emulator: {
      resources: [
        { indicator: 'https://api.example.com', name: 'Example API', scopes: [], accessTokenTtl: 3600 },
        { indicator: 'https://data.example.com', name: 'Data API', scopes: [], accessTokenTtl: 3600 },
      ],
    },
  });

  function deviceAuthorization(body: URLSearchParams) {
    return fetch(client.as.device_authorization_endpoint!, { method: 'POST', body });
  }

  it('records every form parameter of every request, repeated ones included', async () => {
    const body = new URLSearchParams([
      ['client_id', emulator.deviceAppId],
      ['scope', 'openid offline_access'],
      ['resource', 'https://api.example.com'],
      ['resource', 'https://data.example.com'],
      ['direct_sign_in', 'social:huggingface'],
    ]);
    expect((await deviceAuthorization(body)).status).toBe(200);
    // Refused (unknown client: 400 invalid_client, as Logto answers), and recorded all the same.
    const refused = new URLSearchParams([
      ['client_id', 'no-such-app'],
      ['scope', 'openid'],
    ]);
    expect((await deviceAuthorization(refused)).status).toBe(400);

    expect(emulator.stats.deviceAuthorizations).toEqual([
      {
        clientId: emulator.deviceAppId,
        params: {
          client_id: [emulator.deviceAppId],
          scope: ['openid offline_access'],
          resource: ['https://api.example.com', 'https://data.example.com'],
          direct_sign_in: ['social:huggingface'],
        },
      },
      { clientId: 'no-such-app', params: { client_id: ['no-such-app'], scope: ['openid'] } },
    ]);
  });

  it('still records when each device code was polled', async () => {
    const response = await oauth.deviceAuthorizationRequest(
      client.as,
      client.client,
      oauth.None(),
      new URLSearchParams({ scope: 'openid offline_access' }),
      client.options,
    );
    const { device_code: deviceCode } = await oauth.processDeviceAuthorizationResponse(
      client.as,
      client.client,
      response,
    );
    const started = Date.now();
    for (let poll = 0; poll < 2; poll += 1) {
      const answer = await oauth.deviceCodeGrantRequest(
        client.as,
        client.client,
        oauth.None(),
        deviceCode,
        client.options,
      );
      expect(((await answer.json()) as { error: string }).error).toBe('authorization_pending');
    }
    const times = emulator.stats.devicePolls[deviceCode] ?? [];
    expect(times).toHaveLength(2);
    expect(times[0]).toBeGreaterThanOrEqual(started);
    expect(times[1]).toBeGreaterThanOrEqual(times[0]!);
  });
});

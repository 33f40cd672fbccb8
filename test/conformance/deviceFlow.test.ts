import { setTimeout as sleep } from 'node:timers/promises';

import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';

import { approveDevice, openDeviceConfirmPage } from '../helpers/deviceApproval.js';
import { formIn, HttpUserAgent, pageId } from '../helpers/httpUserAgent.js';
import { useTestClient } from '../helpers/oidcClient.js';

describe('device flow (RFC 8628) with the device-flow app', () => {
  const { emulator, client } = useTestClient({ app: 'device' });

  async function startDeviceFlow(extra: Record<string, string> = {}) {
    const response = await oauth.deviceAuthorizationRequest(
      client.as,
      client.client,
      oauth.None(),
      new URLSearchParams({ scope: 'openid offline_access profile email identities', ...extra }),
      client.options,
    );
    return oauth.processDeviceAuthorizationResponse(client.as, client.client, response);
  }

  async function poll(deviceCode: string) {
    const response = await oauth.deviceCodeGrantRequest(
      client.as,
      client.client,
      oauth.None(),
      deviceCode,
      client.options,
    );
    return response;
  }

  it("issues a device code, user code and Logto's short verification URIs (/device → /oidc/device)", async () => {
    const device = await startDeviceFlow();
    expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(device.verification_uri).toBe(`${emulator.endpoint}/device`);
    const redirect = await fetch(device.verification_uri_complete!, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([
      302,
      `/oidc/device?user_code=${encodeURIComponent(device.user_code)}`,
    ]);
    expect(device.verification_uri_complete).toBe(
      `${emulator.endpoint}/device?user_code=${encodeURIComponent(device.user_code)}`,
    );
    expect(device.expires_in).toBe(600);
    // Like Logto (oidc-provider 9), no interval is advertised by default: clients use 5 s.
    expect(device.interval).toBeUndefined();
  });

  it('answers authorization_pending, then tokens (with a refresh token) once the person approves', async () => {
    const device = await startDeviceFlow({ direct_sign_in: 'social:huggingface' });
    const pending = await poll(device.device_code);
    expect(pending.status).toBe(400);
    expect(await pending.json()).toMatchObject({ error: 'authorization_pending' });

    const finalPage = await approveDevice(device.verification_uri_complete!);
    expect(pageId(finalPage.body)).toBe('device-success-page');

    const tokens = await oauth.processDeviceCodeResponse(
      client.as,
      client.client,
      await poll(device.device_code),
    );
    expect(tokens.refresh_token).toBeTypeOf('string');
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe('u1alice00001');
    const userinfo = await client.userinfo(tokens.access_token);
    expect((userinfo.identities as Record<string, unknown>).huggingface).toBeDefined();
    // The device code is single-use.
    const again = await poll(device.device_code);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('shows the code-entry page on the bare verification URI and accepts the typed code', async () => {
    const device = await startDeviceFlow();
    const agent = new HttpUserAgent();
    const input = await agent.follow(device.verification_uri);
    expect(pageId(input.page.body)).toBe('device-page');
    expect(input.page.body).toContain('id="device-user-code"');
    const form = formIn(input.page.body, 'op.deviceInputForm', input.page.url);

    const wrong = await agent.follow(form.action, () => false, {
      form: { ...form.fields, user_code: 'BCDF-GHJK' },
    });
    expect(pageId(wrong.page.body)).toBe('device-page');
    expect(wrong.page.body).toContain('id="error-message"');

    const retry = formIn(wrong.page.body, 'op.deviceInputForm', wrong.page.url);
    const confirm = await agent.follow(retry.action, () => false, {
      form: { ...retry.fields, user_code: device.user_code },
    });
    expect(pageId(confirm.page.body)).toBe('device-confirm-page');
    expect(confirm.page.body).toContain(device.user_code);
  });

  it('answers access_denied when the person cancels on the confirm page', async () => {
    const device = await startDeviceFlow();
    const agent = new HttpUserAgent();
    const confirm = await openDeviceConfirmPage(device.verification_uri_complete!, agent);
    const form = formIn(confirm.body, 'op.deviceConfirmForm', confirm.url);
    await agent.follow(form.action, () => false, { form: { ...form.fields, abort: 'yes' } });
    const response = await poll(device.device_code);
    expect(await response.json()).toMatchObject({ error: 'access_denied' });
  });

  it('answers expired_token after the device code expires', async () => {
    emulator.options.ttl.deviceCode = 1;
    try {
      const device = await startDeviceFlow();
      expect(device.expires_in).toBe(1);
      await sleep(1_500);
      const response = await poll(device.device_code);
      expect(await response.json()).toMatchObject({ error: 'expired_token' });
    } finally {
      emulator.options.ttl.deviceCode = 600;
    }
  });

  it('can advertise an interval and answer slow_down to a client that polls faster (opt-in)', async () => {
    emulator.options.deviceFlow = { interval: 1, slowDown: true };
    try {
      const device = await startDeviceFlow();
      expect(device.interval).toBe(1);
      expect(await (await poll(device.device_code)).json()).toMatchObject({ error: 'authorization_pending' });
      // Too soon: slow_down, and the interval for this code grows by 5 s.
      expect(await (await poll(device.device_code)).json()).toMatchObject({ error: 'slow_down' });
      await sleep(1_100);
      expect(await (await poll(device.device_code)).json()).toMatchObject({ error: 'slow_down' });
    } finally {
      emulator.options.deviceFlow = { interval: null, slowDown: false };
    }
  });
});

import { describe, expect, it } from 'vitest';

import { formIn, HttpUserAgent, pageId } from '../helpers/httpUserAgent.js';
import { useTestClient } from '../helpers/oidcClient.js';

describe('revocation and end session', () => {
  const { emulator, client } = useTestClient();

  it('revokes a refresh token for a public client (client_id in the body), and with it the grant', async () => {
    const { tokens } = await client.signIn();
    const grantId = (await emulator.provider.AccessToken.find(tokens.access_token))?.grantId ?? '';
    expect(emulator.grantAlive(grantId)).toBe(true);

    await client.revoke(tokens.refresh_token!);

    expect(emulator.grantAlive(grantId)).toBe(false);
    const refresh = await client.refreshRaw(tokens.refresh_token!);
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
    // The access token of the grant went with it.
    await expect(client.userinfo(tokens.access_token)).rejects.toMatchObject({ status: 401 });
  });

  it('answers 200 to revoking an unknown token (RFC 7009 §2.2)', async () => {
    await expect(client.revoke('never-issued')).resolves.toBeUndefined();
  });

  it('ends the browser session, but not offline grants', async () => {
    const { tokens, agent } = await client.signIn();
    const sessions = emulator.browserSessions().length;
    const endSession = new URL(client.as.end_session_endpoint!);
    endSession.searchParams.set('id_token_hint', tokens.id_token!);
    endSession.searchParams.set('post_logout_redirect_uri', 'http://127.0.0.1:45000/signed-out');
    endSession.searchParams.set('client_id', emulator.appId);
    // Logto's logout page asks nothing: its form submits itself with logout=yes
    // (packages/core/static/html/logout.html).
    const done = await agent.follow(endSession.href, (next) => next.startsWith('http://127.0.0.1:45000/'));
    const logoutPage = done.hops[0]!;
    expect(pageId(logoutPage.body)).toBe('logout-page');
    expect(formIn(logoutPage.body, 'op.logoutForm', logoutPage.url).fields).toMatchObject({ logout: 'yes' });
    expect(done.stoppedAt).toMatch(/^http:\/\/127\.0\.0\.1:45000\/signed-out/);
    // This browser's session is gone (the other tests' browsers keep theirs).
    expect(emulator.browserSessions()).toHaveLength(sessions - 1);
    expect(emulator.stats.endSessions).toBe(1);

    // The browser session is gone: a silent sign-in now needs a login…
    const silent = await client.authorizationRequest({ prompt: 'none', direct_sign_in: '' });
    const hop = await agent.request(silent.url);
    expect(new URL(hop.location!).searchParams.get('error')).toBe('login_required');
    // …while the offline grant lives on (Logto: ending the session does not revoke offline grants).
    const refreshed = await client.refresh(tokens.refresh_token!);
    expect(refreshed.access_token).toBeTypeOf('string');
  });
});

describe('grants across sign-ins in one browser (Logto: packages/core/src/oidc/init.ts loadExistingGrant)', () => {
  const { emulator, client } = useTestClient();

  async function signInWith(agent: HttpUserAgent, params: Record<string, string>, user: string) {
    const request = await client.authorizationRequest(params);
    const tokens = await client.exchange(
      await client.signInWithHuggingFace(agent, request.url, user),
      request,
    );
    return { tokens, grantId: await emulator.grantOf(tokens.access_token) };
  }

  it('issues a second sign-in of the same account on the grant its browser session holds, also with prompt=login', async () => {
    const agent = new HttpUserAgent();
    const first = await signInWith(agent, {}, 'alice-hf');
    const again = await signInWith(agent, {}, 'alice-hf');
    const relogin = await signInWith(agent, { prompt: 'login consent' }, 'alice-hf');
    expect(first.grantId).toBeTypeOf('string');
    expect(again.grantId).toBe(first.grantId);
    expect(relogin.grantId).toBe(first.grantId);
    // prompt=login consent still gives a refresh token.
    expect(relogin.tokens.refresh_token).toBeTypeOf('string');
    // So revoking the first sign-in's refresh token ends the latest one too.
    await client.revoke(first.tokens.refresh_token!);
    expect((await client.refreshRaw(relogin.tokens.refresh_token!)).status).toBe(400);
  });

  it('gives another account its own grant, and another browser its own', async () => {
    const agent = new HttpUserAgent();
    const alice = await signInWith(agent, {}, 'alice-hf');
    const bob = await signInWith(agent, { prompt: 'login consent' }, 'bob-hf');
    const elsewhere = await signInWith(new HttpUserAgent(), {}, 'alice-hf');
    expect(new Set([alice.grantId, bob.grantId, elsewhere.grantId]).size).toBe(3);
  });
});

describe('what the emulator records of revocations and authorization requests', () => {
  const { emulator, client } = useTestClient();

  it('records each answered revocation: the client, the hint, and whether a live token was revoked', async () => {
    const { tokens } = await client.signIn();
    const heard: unknown[] = [];
    emulator.events.on('revocation', (revocation) => heard.push(revocation));
    const before = emulator.stats.revocations.length;
    await client.revoke(tokens.refresh_token!);
    await client.revoke(tokens.access_token, 'access_token');
    expect(emulator.stats.revocations.slice(before)).toEqual([
      { clientId: emulator.appId, tokenTypeHint: 'refresh_token', found: true },
      // The grant went with the refresh token: nothing left to find.
      { clientId: emulator.appId, tokenTypeHint: 'access_token', found: false },
    ]);
    expect(heard).toEqual(emulator.stats.revocations.slice(before));
  });

  it('records each authorization request with every parameter as sent', async () => {
    const before = emulator.stats.authorizationRequests.length;
    const request = await client.authorizationRequest({ prompt: 'login consent' });
    await new HttpUserAgent().request(request.url);
    const recorded = emulator.stats.authorizationRequests.slice(before);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.clientId).toBe(emulator.appId);
    expect(recorded[0]!.params).toEqual(
      Object.fromEntries([...new URL(request.url).searchParams].map(([key, value]) => [key, [value]])),
    );
  });
});

import { describe, expect, it } from 'vitest';

import { formIn, pageId } from '../helpers/httpUserAgent.js';
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
    const endSession = new URL(client.as.end_session_endpoint!);
    endSession.searchParams.set('id_token_hint', tokens.id_token!);
    endSession.searchParams.set('post_logout_redirect_uri', 'http://127.0.0.1:45000/signed-out');
    endSession.searchParams.set('client_id', emulator.appId);
    const confirm = await agent.follow(endSession.href);
    expect(pageId(confirm.page.body)).toBe('logout-page');

    const form = formIn(confirm.page.body, 'op.logoutForm', confirm.page.url);
    const done = await agent.follow(form.action, (next) => next.startsWith('http://127.0.0.1:45000/'), {
      form: { ...form.fields, logout: 'yes' },
    });
    expect(done.stoppedAt).toMatch(/^http:\/\/127\.0\.0\.1:45000\/signed-out/);

    // The browser session is gone: a silent sign-in now needs a login…
    const silent = await client.authorizationRequest({ prompt: 'none', direct_sign_in: '' });
    const hop = await agent.request(silent.url);
    expect(new URL(hop.location!).searchParams.get('error')).toBe('login_required');
    // …while the offline grant lives on (Logto: ending the session does not revoke offline grants).
    const refreshed = await client.refresh(tokens.refresh_token!);
    expect(refreshed.access_token).toBeTypeOf('string');
  });
});

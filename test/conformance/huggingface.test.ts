import { describe, expect, it } from 'vitest';

import { formIn, HttpUserAgent, pageId } from '../helpers/httpUserAgent.js';
import { aliceAtHuggingFace } from '../helpers/seededUsers.js';
import { useEmulator } from '../helpers/useEmulator.js';

/** The Hugging Face upstream, exercised as Logto's connector uses it. */
describe('Hugging Face upstream', () => {
  const emulator = useEmulator();

  const connector = () => emulator.huggingFaceApp;

  /** The connector's code exchange at /oauth/token, with client_secret_basic. */
  const exchange = (code: string, secret: string) =>
    fetch(`${emulator.endpoint}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${connector().clientId}:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: connector().redirectUri,
      }),
    });

  async function authorizePage(agent: HttpUserAgent) {
    const url = new URL('/oauth/authorize', emulator.endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', connector().clientId);
    url.searchParams.set('redirect_uri', connector().redirectUri);
    url.searchParams.set('scope', 'openid profile email');
    url.searchParams.set('state', 'upstream-state');
    return agent.request(url.href);
  }

  it('shows the seeded users and a Deny button on /oauth/authorize', async () => {
    const page = await authorizePage(new HttpUserAgent());
    expect(page.status).toBe(200);
    expect(pageId(page.body)).toBe('hf-authorize-page');
    for (const id of ['hf-user-alice-hf', 'hf-user-bob-hf', 'hf-user-somchai-hf', 'hf-deny']) {
      expect.soft(page.body).toContain(`id="${id}"`);
    }
  });

  it('refuses an unknown client or redirect URI without redirecting', async () => {
    const hop = await new HttpUserAgent().request(
      `${emulator.endpoint}/oauth/authorize?response_type=code&client_id=evil&redirect_uri=https://evil.example/cb`,
    );
    expect(hop.status).toBe(400);
    expect(hop.location).toBeUndefined();
  });

  it('redirects with error=access_denied and the state on Deny', async () => {
    const agent = new HttpUserAgent();
    const page = await authorizePage(agent);
    const form = formIn(page.body, 'hf-authorize-form', page.url);
    const hop = await agent.request(form.action, { form: { ...form.fields, decision: 'deny' } });
    const location = new URL(hop.location!);
    expect(location.href.startsWith(connector().redirectUri)).toBe(true);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('upstream-state');
  });

  it("issues a code, a token (client_secret_basic) and userinfo with Hugging Face's claims", async () => {
    const agent = new HttpUserAgent();
    const page = await authorizePage(agent);
    const form = formIn(page.body, 'hf-authorize-form', page.url);
    const hop = await agent.request(form.action, { form: { ...form.fields, user: 'alice-hf' } });
    const code = new URL(hop.location!).searchParams.get('code')!;

    const badSecret = await exchange(code, 'wrong');
    expect(badSecret.status).toBe(401);

    const secret = emulator.huggingFaceApp.clientSecret;
    const token = await exchange(code, secret);
    expect(token.status).toBe(200);
    const { access_token: accessToken, token_type: tokenType } = (await token.json()) as Record<
      string,
      string
    >;
    expect(tokenType).toBe('bearer');

    const userinfo = await fetch(`${emulator.endpoint}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(await userinfo.json()).toEqual({
      ...aliceAtHuggingFace,
      orgs: [
        {
          sub: '64b0aa11bb22cc33dd44ee55',
          name: 'Open Models',
          preferred_username: 'open-models',
          picture: 'https://cdn-avatars.huggingface.co/open-models.png',
          isEnterprise: false,
        },
      ],
    });

    // Codes are single-use.
    const replay = await exchange(code, secret);
    expect(replay.status).toBe(400);
  });

  it('refuses userinfo without a valid token', async () => {
    const response = await fetch(`${emulator.endpoint}/oauth/userinfo`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(response.status).toBe(401);
  });
});

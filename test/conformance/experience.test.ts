import { describe, expect, it } from 'vitest';

import { formIn, HttpUserAgent, pageId } from '../helpers/httpUserAgent.js';
import { useTestClient } from '../helpers/oidcClient.js';

// One emulator for both blocks: the tests that change its options set them back.
const { emulator, client } = useTestClient();

/** Logto's extra parameters and the experience routes behind its pages, through HTTP. */
describe('Logto extra parameters', () => {
  /** Where /oidc/auth sends the browser: Logto's experience URL. */
  async function experienceUrl(params: Record<string, string>): Promise<URL> {
    const request = await client.authorizationRequest({ direct_sign_in: '', ...params });
    const hop = await new HttpUserAgent().request(request.url);
    expect(hop.status).toBe(303);
    return new URL(hop.location!);
  }

  it('starts on the sign-in page by default', async () => {
    const url = await experienceUrl({});
    expect(url.pathname).toBe('/sign-in');
    expect(Object.fromEntries(url.searchParams)).toEqual({ app_id: emulator.appId });
  });

  it('direct_sign_in=social:huggingface goes to /direct/social/huggingface with a fallback', async () => {
    const url = await experienceUrl({ direct_sign_in: 'social:huggingface' });
    expect(url.pathname).toBe('/direct/social/huggingface');
    expect(url.searchParams.get('fallback')).toBe('sign-in');
  });

  it('first_screen=register and the legacy interaction_mode=signUp open sign-up', async () => {
    expect((await experienceUrl({ first_screen: 'register' })).pathname).toBe('/register');
    expect((await experienceUrl({ interaction_mode: 'signUp' })).pathname).toBe('/register');
    // first_screen wins over the legacy spelling.
    expect((await experienceUrl({ first_screen: 'sign_in', interaction_mode: 'signUp' })).pathname).toBe(
      '/sign-in',
    );
  });

  it('carries login_hint, ui_locales, organization_id and identifier to the experience', async () => {
    const url = await experienceUrl({
      login_hint: 'lee@example.com',
      ui_locales: 'th en',
      organization_id: 'org-open-models',
      first_screen: 'identifier:sign_in',
      identifier: 'email username',
    });
    expect(url.pathname).toBe('/identifier-sign-in');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      app_id: emulator.appId,
      organization_id: 'org-open-models',
      ui_locales: 'th en',
      login_hint: 'lee@example.com',
      identifier: 'email username',
    });
  });

  it('drops every extra parameter when one is invalid, like Logto', async () => {
    for (const invalid of [{ first_screen: 'sign-up-please' }, { interaction_mode: 'signup' }] as Array<
      Record<string, string>
    >) {
      const url = await experienceUrl({
        ...invalid,
        direct_sign_in: 'social:huggingface',
        login_hint: 'lee',
        ui_locales: 'th',
        organization_id: 'org-open-models',
      });
      expect.soft(url.pathname).toBe('/sign-in');
      expect.soft(Object.fromEntries(url.searchParams)).toEqual({ app_id: emulator.appId });
    }
  });
});

describe('experience routes', () => {
  /** A sign-in sent straight to Hugging Face, whose authorize form is submitted with `answer`. */
  async function answerAtHuggingFace(answer: Record<string, string>) {
    const agent = new HttpUserAgent();
    const request = await client.authorizationRequest();
    const { page } = await agent.follow(request.url);
    const form = formIn(page.body, 'hf-authorize-form', page.url);
    const done = await agent.follow(form.action, client.isRedirectUri, {
      form: { ...form.fields, ...answer },
    });
    return { request, done };
  }

  it('direct sign-in goes straight to Hugging Face without showing a Logto page', async () => {
    const request = await client.authorizationRequest();
    const { page, hops } = await new HttpUserAgent().follow(request.url);
    expect(pageId(page.body)).toBe('hf-authorize-page');
    expect(hops.map((hop) => pageId(hop.body)).filter(Boolean)).toEqual(['hf-authorize-page']);

    // The connector's request to Hugging Face, as Logto's connector makes it.
    const upstream = new URL(page.url);
    expect(Object.fromEntries(upstream.searchParams)).toEqual({
      response_type: 'code',
      client_id: emulator.huggingFaceApp.clientId,
      redirect_uri: `${emulator.endpoint}/callback/huggingface`,
      scope: 'profile email',
      state: expect.any(String),
    });
  });

  it('falls back to the sign-in page when the Hugging Face connector is disabled', async () => {
    emulator.options.huggingFaceConnector = false;
    try {
      const request = await client.authorizationRequest();
      const { page } = await new HttpUserAgent().follow(request.url);
      expect(pageId(page.body)).toBe('sign-in-page');
      expect(page.body).not.toContain('id="social-huggingface"');
    } finally {
      emulator.options.huggingFaceConnector = true;
    }
  });

  it('signs in with username and password, and shows an error for a wrong one', async () => {
    const agent = new HttpUserAgent();
    const request = await client.authorizationRequest({ direct_sign_in: '' });
    const { page } = await agent.follow(request.url);
    expect(pageId(page.body)).toBe('sign-in-page');
    const form = formIn(page.body, 'sign-in-form', page.url);

    const wrong = await agent.request(form.action, {
      form: { ...form.fields, identifier: 'lee', password: 'nope' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toContain('id="error-message"');
    expect(wrong.body).toContain('Incorrect username or password.');

    const done = await agent.follow(form.action, client.isRedirectUri, {
      form: { ...form.fields, identifier: 'lee', password: 'correct-horse-battery' },
    });
    expect(done.stoppedAt).toBeDefined();
    const tokens = await client.exchange(new URL(done.stoppedAt!), request);
    const userinfo = await client.userinfo(tokens.access_token);
    expect(userinfo).toMatchObject({ sub: 'u2lee0000002', username: 'lee', identities: {} });
  });

  it('registers a new user on the sign-up page', async () => {
    const agent = new HttpUserAgent();
    const request = await client.authorizationRequest({ direct_sign_in: '', first_screen: 'register' });
    const { page } = await agent.follow(request.url);
    expect(pageId(page.body)).toBe('register-page');
    const form = formIn(page.body, 'register-form', page.url);

    const taken = await agent.request(form.action, {
      form: { ...form.fields, username: 'lee', password: 'long-enough-1' },
    });
    expect(taken.body).toContain('That username is already taken.');

    const done = await agent.follow(form.action, client.isRedirectUri, {
      form: { ...form.fields, username: 'newcomer', password: 'long-enough-1' },
    });
    const tokens = await client.exchange(new URL(done.stoppedAt!), request);
    expect((await client.userinfo(tokens.access_token)).username).toBe('newcomer');
  });

  it('skips consent for the first-party app: no consent page between sign-in and the redirect', async () => {
    const { done } = await answerAtHuggingFace({ user: 'alice-hf' });
    expect(done.stoppedAt).toBeDefined();
    expect(done.hops.some((hop) => new URL(hop.url).pathname === '/consent')).toBe(true);
    expect(done.hops.every((hop) => hop.status === 303 || hop.status === 302)).toBe(true);
  });

  it('ends the request with access_denied when the person denies at Hugging Face', async () => {
    const { request, done } = await answerAtHuggingFace({ decision: 'deny' });
    const callback = new URL(done.stoppedAt!);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('error_description')).toMatch(/Hugging Face/);
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.get('iss')).toBe(emulator.issuer);
  });

  it('can instead show the sign-in page again after a denial, as Logto’s own experience does', async () => {
    emulator.options.socialDenial = 'sign-in-page';
    try {
      const { done } = await answerAtHuggingFace({ decision: 'deny' });
      expect(done.stoppedAt).toBeUndefined();
      expect(pageId(done.page.body)).toBe('sign-in-page');
      expect(done.page.body).toContain('The user denied access');
    } finally {
      emulator.options.socialDenial = 'abort';
    }
  });

  it('refuses a social callback whose state does not belong to this sign-in', async () => {
    const agent = new HttpUserAgent();
    const request = await client.authorizationRequest();
    await agent.follow(request.url);
    const forged = await agent.request(`${emulator.endpoint}/callback/huggingface?code=x&state=forged`);
    expect(forged.status).toBe(400);
    expect(pageId(forged.body)).toBe('error-page');
  });
});

import * as oauth from 'oauth4webapi';
import { beforeAll } from 'vitest';

import type { Emulator } from '../emulator/index.js';
import { formIn, HttpUserAgent } from './httpUserAgent.js';
import { lateBound, useEmulator } from './useEmulator.js';

/** oauth4webapi's request options: plain HTTP allowed (loopback), and a private CA when given. */
function requestOptions(ca?: string) {
  const customFetch = ca
    ? async (url: string, init: RequestInit) => {
        const { fetch, Agent } = await import('undici');
        return (await fetch(url, {
          ...(init as object),
          dispatcher: new Agent({ connect: { ca } }),
        })) as unknown as Response;
      }
    : undefined;
  return {
    [oauth.allowInsecureRequests]: true,
    ...(customFetch ? { [oauth.customFetch]: customFetch } : {}),
  } as const;
}

/**
 * A conforming public client (oauth4webapi) for the emulator's conformance tests. The redirect URI
 * is a loopback port nobody listens on: the user agent stops when it is redirected there.
 */
export class TestClient {
  readonly client: oauth.Client;
  readonly redirectUri: string;
  private constructor(
    readonly emulator: Emulator,
    readonly as: oauth.AuthorizationServer,
    clientId: string,
    port: number,
    /** The private CA of an emulator serving HTTPS. */
    readonly ca?: string,
  ) {
    this.client = { client_id: clientId };
    this.redirectUri = `http://127.0.0.1:${port}/callback`;
  }

  static async discover(
    emulator: Emulator,
    clientId = emulator.appId,
    port = 49_152 + Math.floor(Math.random() * 10_000),
    ca?: string,
  ) {
    const issuer = new URL(emulator.issuer);
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...requestOptions(ca) });
    const as = await oauth.processDiscoveryResponse(issuer, response);
    return new TestClient(emulator, as, clientId, port, ca);
  }

  get options() {
    return requestOptions(this.ca);
  }

  async authorizationRequest(params: Record<string, string> = {}) {
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(this.as.authorization_endpoint!);
    url.searchParams.set('client_id', this.client.client_id);
    url.searchParams.set('redirect_uri', this.redirectUri);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', 'openid offline_access profile email identities');
    url.searchParams.set('prompt', 'consent');
    url.searchParams.set('state', state);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('direct_sign_in', 'social:huggingface');
    // An empty value removes a default parameter.
    for (const [key, value] of Object.entries(params)) {
      if (value === '') url.searchParams.delete(key);
      else url.searchParams.set(key, value);
    }
    return { url: url.href, codeVerifier, state, nonce };
  }

  isRedirectUri = (next: string) => next.startsWith(this.redirectUri);

  /**
   * Signs in through Logto's direct sign-in to the Hugging Face upstream, choosing `username` there;
   * returns the callback URL the browser was sent to.
   */
  async signInWithHuggingFace(
    agent: HttpUserAgent,
    authorizationUrl: string,
    username = 'alice-hf',
  ): Promise<URL> {
    const { page, stoppedAt } = await agent.follow(authorizationUrl, this.isRedirectUri);
    if (stoppedAt) return new URL(stoppedAt);
    if (!page.body.includes('id="hf-authorize-page"')) {
      throw new Error(
        `expected Hugging Face's authorize page, got ${page.url} (${page.status}): ${page.body.slice(0, 300)}`,
      );
    }
    const form = formIn(page.body, 'hf-authorize-form', page.url);
    const done = await agent.follow(form.action, this.isRedirectUri, {
      form: { ...form.fields, user: username },
    });
    if (!done.stoppedAt)
      throw new Error(
        `sign-in did not reach the redirect URI; ended on ${done.page.url}: ${done.page.body.slice(0, 300)}`,
      );
    return new URL(done.stoppedAt);
  }

  async exchange(
    callback: URL,
    request: { codeVerifier: string; state: string; nonce: string },
    resource?: string,
  ) {
    const params = oauth.validateAuthResponse(this.as, this.client, callback, request.state);
    const response = await oauth.authorizationCodeGrantRequest(
      this.as,
      this.client,
      oauth.None(),
      params,
      this.redirectUri,
      request.codeVerifier,
      { ...this.options, additionalParameters: resource ? { resource } : undefined },
    );
    const result = await oauth.processAuthorizationCodeResponse(this.as, this.client, response, {
      expectedNonce: request.nonce,
      requireIdToken: true,
    });
    await oauth.validateApplicationLevelSignature(this.as, response, this.options);
    return result;
  }

  /** A full sign-in as `username` at Hugging Face, returning the token response. */
  async signIn(params: Record<string, string> = {}, username = 'alice-hf') {
    const agent = new HttpUserAgent(this.ca);
    const request = await this.authorizationRequest(params);
    const callback = await this.signInWithHuggingFace(agent, request.url, username);
    return { tokens: await this.exchange(callback, request), agent };
  }

  /** The raw refresh_token grant, so tests can see errors as the provider sent them. */
  async refreshRaw(refreshToken: string, additionalParameters: Record<string, string> = {}) {
    return oauth.refreshTokenGrantRequest(this.as, this.client, oauth.None(), refreshToken, {
      ...this.options,
      additionalParameters,
    });
  }

  async refresh(refreshToken: string, additionalParameters: Record<string, string> = {}) {
    const response = await this.refreshRaw(refreshToken, additionalParameters);
    return oauth.processRefreshTokenResponse(this.as, this.client, response);
  }

  async userinfo(
    accessToken: string,
    expectedSubject: string | typeof oauth.skipSubjectCheck = oauth.skipSubjectCheck,
  ) {
    const response = await oauth.userInfoRequest(this.as, this.client, accessToken, this.options);
    return oauth.processUserInfoResponse(this.as, this.client, expectedSubject, response);
  }

  async revoke(token: string, hint: 'refresh_token' | 'access_token' = 'refresh_token') {
    const response = await oauth.revocationRequest(this.as, this.client, oauth.None(), token, {
      ...this.options,
      additionalParameters: { token_type_hint: hint },
    });
    await oauth.processRevocationResponse(response);
  }
}

/**
 * The conformance tests' setup: an emulator for the file (or the describe block it is called in)
 * and a TestClient discovered against it, for the native app or, with `app: 'device'`, the
 * device-flow app. Both are filled in by `beforeAll`: destructure them at collection time, read
 * them inside tests.
 */
export function useTestClient(
  options: { emulator?: Parameters<typeof useEmulator>[0]; app?: 'native' | 'device' } = {},
): { emulator: Emulator; client: TestClient } {
  const emulator = useEmulator(options.emulator);
  const client = lateBound<TestClient>('useTestClient()');
  beforeAll(async () => {
    const clientId = options.app === 'device' ? emulator.deviceAppId : emulator.appId;
    client.current = await TestClient.discover(emulator, clientId);
  });
  return { emulator, client: client.proxy };
}

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import * as oauth from 'oauth4webapi';

import type { Emulator } from '../emulator/index.js';
import { browseToCallback } from '../helpers/httpUserAgent.js';
import { browserEnv, type LogtoStack } from './stack.js';

/**
 * One authorization server under test, emulator or real Logto, seen the same way: its addresses,
 * its apps and API resource, and "the person" who signs in there. Checks written against this run
 * unchanged on both.
 */
export interface PairedServer {
  name: 'emulator' | 'Logto';
  endpoint: string;
  /** `${endpoint}/oidc`. */
  issuer: string;
  appId: string;
  deviceAppId: string;
  /** An API resource registered on the server. */
  resource: string;
  /** An organization the person who signs in belongs to. */
  organizationId: string;
  as: oauth.AuthorizationServer;
  /**
   * The person's browser: opens the authorization URL, signs in at Hugging Face and follows the
   * redirects until the redirect URI. Resolves with the callback URL when it stopped short of it,
   * or undefined when it delivered it (to signIn()'s callback server).
   */
  browse(authorizationUrl: string): Promise<URL | undefined>;
}

/** Plain HTTP is fine: everything is on loopback. */
export const httpOptions = { [oauth.allowInsecureRequests]: true } as const;

async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  const response = await oauth.discoveryRequest(url, { algorithm: 'oidc', ...httpOptions });
  return oauth.processDiscoveryResponse(url, response);
}

export async function emulatorServer(emulator: Emulator): Promise<PairedServer> {
  const [resource] = emulator.options.resources;
  const [organization] = emulator.options.organizations;
  return {
    name: 'emulator',
    endpoint: emulator.endpoint,
    issuer: emulator.issuer,
    appId: emulator.appId,
    deviceAppId: emulator.deviceAppId,
    resource: resource!.indicator,
    organizationId: organization!.id,
    as: await discover(emulator.issuer),
    // Plain HTTP through the emulator's pages, choosing alice-hf at its Hugging Face.
    browse: async (authorizationUrl) => new URL(await browseToCallback(authorizationUrl)),
  };
}

export async function logtoServer(stack: LogtoStack, browserLog: string): Promise<PairedServer> {
  const issuer = `${stack.endpoint}/oidc`;
  return {
    name: 'Logto',
    endpoint: stack.endpoint,
    issuer,
    appId: stack.appId,
    deviceAppId: stack.deviceAppId,
    resource: stack.resource,
    organizationId: stack.organizationId,
    as: await discover(issuer),
    // The stack's headless Chromium follows Logto → fake Hugging Face → the redirect URI, where
    // signIn()'s callback server is listening.
    browse: (authorizationUrl) => runBrowser(stack, authorizationUrl, browserLog),
  };
}

function runBrowser(stack: LogtoStack, authorizationUrl: string, log: string): Promise<undefined> {
  const env = browserEnv(stack, log);
  return new Promise<undefined>((resolve, reject) => {
    const child = spawn(process.execPath, [env.BROWSER!, authorizationUrl], {
      env: { ...process.env, ...env, DRIVE_BROWSER_TIMEOUT: '45' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // The callback server resolves the sign-in; the browser only has to have succeeded.
      if (code === 0) resolve(undefined);
      else reject(new Error(`drive-browser.mjs exited with ${code} (log: ${log}): ${stderr.slice(-500)}`));
    });
  });
}

export interface SignedIn {
  tokens: oauth.TokenEndpointResponse;
  /** The authorization response as the redirect URI received it. */
  callback: URL;
  redirectUri: string;
}

/**
 * A sign-in with the authorization code flow (PKCE S256) as hflogin makes it: scope with
 * offline_access and prompt=consent (Logto's condition for a refresh token), Hugging Face
 * preselected. `params` override the request's parameters; an empty value removes one.
 */
export async function signIn(server: PairedServer, params: Record<string, string> = {}): Promise<SignedIn> {
  const callbacks = createServer();
  let received: (url: URL) => void = () => {};
  const delivered = new Promise<URL>((resolve) => (received = resolve));
  callbacks.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<p>Signed in; you may close this window.</p>');
    received(url);
  });
  await new Promise<void>((resolve) => callbacks.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = callbacks.address() as AddressInfo;
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const client: oauth.Client = { client_id: server.appId };
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(server.as.authorization_endpoint!);
    const defaults: Record<string, string> = {
      client_id: server.appId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid offline_access profile email identities',
      prompt: 'consent',
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      direct_sign_in: 'social:huggingface',
    };
    for (const [key, value] of Object.entries({ ...defaults, ...params })) {
      if (value !== '') url.searchParams.set(key, value);
    }
    // The emulator's user agent stops before the redirect URI; the browser delivers it.
    const callback = (await server.browse(url.href)) ?? (await delivered);

    const authorization = oauth.validateAuthResponse(server.as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(
      server.as,
      client,
      oauth.None(),
      authorization,
      redirectUri,
      codeVerifier,
      httpOptions,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, response, {
      expectedNonce: nonce,
      requireIdToken: true,
    });
    return { tokens, callback, redirectUri };
  } finally {
    callbacks.closeAllConnections();
    await new Promise<void>((resolve) => callbacks.close(() => resolve()));
  }
}

/** A form POST to one of the server's endpoints, answered as status and parsed JSON (or text). */
export async function postForm(
  url: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form),
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}

/** The raw refresh_token grant for the server's Native app (a public client). */
export function refresh(server: PairedServer, refreshToken: string, extra: Record<string, string> = {}) {
  return postForm(server.as.token_endpoint!, {
    grant_type: 'refresh_token',
    client_id: server.appId,
    refresh_token: refreshToken,
    ...extra,
  });
}

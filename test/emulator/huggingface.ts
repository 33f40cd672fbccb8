import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { huggingFaceUserinfo } from './accounts.js';
import { bearerToken, clientCredentials, readForm, redirect, sendHtml, sendJson } from './http.js';
import type { HuggingFaceUser } from './options.js';
import { huggingFaceAuthorizePage } from './pages.js';

/** The OAuth app Logto's Hugging Face connector is configured with (client_secret_basic, no PKCE). */
export interface HuggingFaceOAuthApp {
  clientId: string;
  clientSecret: string;
  name: string;
  redirectUri: string;
}

interface IssuedCode {
  user: HuggingFaceUser;
  redirectUri: string;
  scopes: Set<string>;
  expiresAt: number;
}

/**
 * A stand-in for huggingface.co's OAuth server: /oauth/authorize (pick one of the seeded users, or
 * Deny), /oauth/token and /oauth/userinfo with Hugging Face's claims.
 */
export class HuggingFaceUpstream {
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, { user: HuggingFaceUser; scopes: Set<string> }>();

  constructor(
    private readonly app: HuggingFaceOAuthApp,
    private readonly users: () => HuggingFaceUser[],
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === '/oauth/authorize' && req.method === 'GET')
      return (this.authorizePage(res, url), true);
    if (url.pathname === '/oauth/authorize' && req.method === 'POST')
      return (await this.decide(req, res), true);
    if (url.pathname === '/oauth/token' && req.method === 'POST') return (await this.token(req, res), true);
    if (url.pathname === '/oauth/userinfo' && (req.method === 'GET' || req.method === 'POST')) {
      return (this.userinfo(req, res), true);
    }
    return false;
  }

  private authorizePage(res: ServerResponse, url: URL): void {
    const clientId = url.searchParams.get('client_id');
    const redirectUri = url.searchParams.get('redirect_uri');
    if (clientId !== this.app.clientId || redirectUri !== this.app.redirectUri) {
      // Never redirect to an unregistered URI (RFC 6749 §4.1.2.1).
      sendJson(res, 400, {
        error: 'invalid_request',
        error_description: 'unknown client_id or redirect_uri',
      });
      return;
    }
    if (url.searchParams.get('response_type') !== 'code') {
      redirect(
        res,
        withParams(redirectUri, { error: 'unsupported_response_type', state: url.searchParams.get('state') }),
      );
      return;
    }
    const scopes = (url.searchParams.get('scope') ?? 'openid profile').split(/[\s+]+/).filter(Boolean);
    sendHtml(
      res,
      200,
      huggingFaceAuthorizePage({
        clientName: this.app.name,
        scopes,
        users: this.users().map((user) => ({ username: user.preferred_username, name: user.name })),
        hidden: {
          client_id: clientId,
          redirect_uri: redirectUri,
          state: url.searchParams.get('state') ?? '',
          scope: scopes.join(' '),
        },
      }),
    );
  }

  private async decide(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const redirectUri = form.get('redirect_uri');
    if (form.get('client_id') !== this.app.clientId || redirectUri !== this.app.redirectUri) {
      sendJson(res, 400, {
        error: 'invalid_request',
        error_description: 'unknown client_id or redirect_uri',
      });
      return;
    }
    const state = form.get('state') || null;
    if (form.get('decision') === 'deny') {
      redirect(
        res,
        withParams(redirectUri, {
          error: 'access_denied',
          error_description: 'The user denied access',
          state,
        }),
      );
      return;
    }
    const user = this.users().find((candidate) => candidate.preferred_username === form.get('user'));
    if (!user) {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'unknown user' });
      return;
    }
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, {
      user,
      redirectUri,
      scopes: new Set((form.get('scope') ?? '').split(' ')),
      expiresAt: Date.now() + 60_000,
    });
    redirect(res, withParams(redirectUri, { code, state }));
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const client = clientCredentials(req, form);
    if (client.id !== this.app.clientId || client.secret !== this.app.clientSecret) {
      sendJson(res, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="huggingface"' });
      return;
    }
    if (form.get('grant_type') !== 'authorization_code') {
      sendJson(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
    const code = form.get('code') ?? '';
    const issued = this.codes.get(code);
    this.codes.delete(code);
    if (!issued || issued.expiresAt < Date.now() || issued.redirectUri !== form.get('redirect_uri')) {
      sendJson(res, 400, { error: 'invalid_grant' });
      return;
    }
    const accessToken = `hf_oauth_${randomBytes(20).toString('hex')}`;
    this.tokens.set(accessToken, { user: issued.user, scopes: issued.scopes });
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: 28_800,
      scope: [...issued.scopes].join(' '),
    });
  }

  private userinfo(req: IncomingMessage, res: ServerResponse): void {
    const session = this.tokens.get(bearerToken(req) ?? '');
    if (!session) {
      sendJson(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
      return;
    }
    sendJson(res, 200, huggingFaceUserinfo(session.user, session.scopes));
  }
}

function withParams(base: string, params: Record<string, string | null>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) if (value !== null) url.searchParams.set(key, value);
  return url.href;
}

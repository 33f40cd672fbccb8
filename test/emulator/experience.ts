import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type Provider from 'oidc-provider';

import { socialIdentityFrom } from './accounts.js';
import { validateExtraParams } from './extraParams.js';
import { readForm, redirect, selfRequest, sendHtml, sendJson } from './http.js';
import type { HuggingFaceOAuthApp } from './huggingface.js';
import { pickLocale, translate, type Locale } from './i18n.js';
import { accountPage, errorPage, type AccountScreen } from './pages.js';
import type { EmulatorState } from './state.js';

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

interface ExperienceContext {
  details: InteractionDetails;
  locale: Locale;
  appName: string;
  loginHint: string | undefined;
}

const signInScreens = new Set(['/sign-in', '/identifier-sign-in', '/single-sign-on', '/reset-password']);
const registerScreens = new Set(['/register', '/identifier-register']);

/** Logto's username rule (packages/toolkit/core-kit/src/regex.ts). */
const usernamePattern = /^[A-Z_a-z]\w*$/;

/**
 * The pages Logto's sign-in experience shows, and its server routes behind them: sign-in and sign-up,
 * direct sign-in, social sign-in through the Hugging Face connector, and consent, which first-party
 * apps skip (Logto's koa-auto-consent).
 */
export class Experience {
  /** Connector sessions: the `state` sent to Hugging Face → the interaction it belongs to. */
  private readonly socialSessions = new Map<string, { uid: string; target: string }>();

  constructor(
    private readonly state: EmulatorState,
    private readonly provider: Provider,
    private readonly huggingFaceApp: HuggingFaceOAuthApp,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const { pathname } = url;
    const method = req.method ?? 'GET';
    const route = (): Promise<void> | undefined => {
      // Logto's other first screens (identifier-sign-in, single-sign-on…) are variants of these two.
      if (method === 'GET' && signInScreens.has(pathname)) return this.showAccountPage(req, res, 'sign-in');
      if (method === 'GET' && registerScreens.has(pathname))
        return this.showAccountPage(req, res, 'register');
      if (method === 'POST' && pathname === '/sign-in') return this.passwordSignIn(req, res);
      if (method === 'POST' && pathname === '/register') return this.register(req, res);
      if (method === 'GET' && pathname.startsWith('/direct/')) return this.directSignIn(req, res, url);
      if (method === 'POST' && pathname.startsWith('/social/')) {
        return this.startSocialSignIn(req, res, decodeURIComponent(pathname.slice('/social/'.length)));
      }
      if (method === 'GET' && pathname.startsWith('/callback/')) {
        return this.socialCallback(req, res, url, decodeURIComponent(pathname.slice('/callback/'.length)));
      }
      if (method === 'GET' && pathname === '/consent') return this.autoConsent(req, res);
      if (
        method === 'GET' &&
        pathname === '/api/.well-known/sign-in-exp' &&
        this.state.options.signInExperience
      ) {
        sendJson(res, 200, this.signInExperience());
        return Promise.resolve();
      }
      return undefined;
    };
    const handled = route();
    if (!handled) return false;
    try {
      await handled;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'SessionNotFound') {
        // No interaction cookie, or it expired: Logto's experience shows an error too.
        sendHtml(
          res,
          400,
          errorPage(
            this.localeOf(req),
            'session.not_found',
            'The sign-in session was not found or has expired.',
          ),
        );
        return true;
      }
      throw error;
    }
    return true;
  }

  private localeOf(req: IncomingMessage, uiLocales?: string): Locale {
    return pickLocale(uiLocales, req.headers['accept-language']);
  }

  private connectors(): Array<{ target: string; name: string }> {
    return this.state.options.huggingFaceConnector ? [{ target: 'huggingface', name: 'Hugging Face' }] : [];
  }

  /**
   * Logto's public sign-in experience (GET /api/.well-known/sign-in-exp,
   * packages/core/src/routes/well-known/index.ts), the parts a client reads: the enabled social
   * connectors with their targets, as a tenant set up like the real-Logto stack has them.
   */
  private signInExperience(): Record<string, unknown> {
    const connectors = this.connectors();
    return {
      tenantId: 'default',
      id: 'default',
      signIn: {
        methods: [
          { identifier: 'username', password: true, verificationCode: false, isPasswordPrimary: true },
        ],
      },
      signUp: { identifiers: [], password: false, verify: false },
      socialSignIn: {},
      socialSignInConnectorTargets: connectors.map((connector) => connector.target),
      signInMode: 'SignInAndRegister',
      socialConnectors: connectors.map((connector) => ({
        id: `emulator-${connector.target}`,
        target: connector.target,
        name: { en: connector.name },
        logo: '',
        logoDark: null,
        platform: 'Universal',
      })),
      ssoConnectors: [],
    };
  }

  private async context(req: IncomingMessage, res: ServerResponse): Promise<ExperienceContext> {
    const details = await this.provider.interactionDetails(req, res);
    // One invalid extra parameter and the experience gets none of them (see extraParams.ts).
    const params = validateExtraParams(details.params);
    const clientId = String(details.params.client_id ?? '');
    const client = await this.provider.Client.find(clientId);
    return {
      details,
      locale: this.localeOf(req, params.ui_locales),
      appName: client?.clientName ?? clientId,
      loginHint: params.login_hint,
    };
  }

  private async showAccountPage(
    req: IncomingMessage,
    res: ServerResponse,
    screen: AccountScreen,
    error?: string,
  ): Promise<void> {
    const context = await this.context(req, res);
    sendHtml(
      res,
      error ? 422 : 200,
      accountPage(screen, {
        locale: context.locale,
        uid: context.details.uid,
        appName: context.appName,
        connectors: this.connectors(),
        loginHint: context.loginHint,
        error: error ? translateError(context.locale, error) : undefined,
      }),
    );
  }

  private async passwordSignIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const user = this.state.accounts.findByIdentifier(form.get('identifier') ?? '');
    if (!user || user.password === undefined || user.password !== form.get('password')) {
      return this.showAccountPage(req, res, 'sign-in', 'wrongCredentials');
    }
    await this.finishLogin(req, res, user.id);
  }

  private async register(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    const username = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    if (!usernamePattern.test(username)) return this.showAccountPage(req, res, 'register', 'usernameInvalid');
    if (password.length < 8) return this.showAccountPage(req, res, 'register', 'passwordTooShort');
    if (this.state.accounts.findByIdentifier(username))
      return this.showAccountPage(req, res, 'register', 'usernameTaken');
    const user = this.state.accounts.create({ username, password });
    await this.finishLogin(req, res, user.id);
  }

  /**
   * `direct_sign_in=social:<target>` lands here as /direct/social/<target>. An enabled connector
   * goes straight to the provider; anything else falls back to a first screen. Logto matches
   * `fallback` against its route *keys*, so only `register` is honoured and every other value
   * lands on the sign-in page (packages/experience, useFallbackRoute).
   */
  private async directSignIn(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const [, , method, target] = url.pathname.split('/');
    if (method === 'social' && target && this.connectors().some((connector) => connector.target === target)) {
      return this.startSocialSignIn(req, res, target);
    }
    redirect(res, url.searchParams.get('fallback') === 'register' ? '/register' : '/sign-in');
  }

  private async startSocialSignIn(req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
    const details = await this.provider.interactionDetails(req, res);
    if (!this.connectors().some((connector) => connector.target === target)) {
      sendHtml(
        res,
        400,
        errorPage(this.localeOf(req), 'connector.not_found', `No enabled connector for ${target}.`),
      );
      return;
    }
    const state = randomBytes(16).toString('base64url');
    this.socialSessions.set(state, { uid: details.uid, target });
    // Logto's Hugging Face connector: response_type=code, client_secret_basic later, no PKCE; the
    // scope is the connector's setting, `profile email` as the README tells tenants to set it.
    const authorize = new URL('/oauth/authorize', this.state.endpoint);
    authorize.searchParams.set('response_type', 'code');
    authorize.searchParams.set('client_id', this.huggingFaceApp.clientId);
    authorize.searchParams.set('redirect_uri', this.huggingFaceApp.redirectUri);
    authorize.searchParams.set('scope', 'profile email');
    authorize.searchParams.set('state', state);
    redirect(res, authorize.href);
  }

  private async socialCallback(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    target: string,
  ): Promise<void> {
    const details = await this.provider.interactionDetails(req, res);
    const state = url.searchParams.get('state') ?? '';
    const session = this.socialSessions.get(state);
    if (!session || session.uid !== details.uid || session.target !== target) {
      sendHtml(
        res,
        400,
        errorPage(
          this.localeOf(req),
          'session.connector_session_not_found',
          'The social sign-in state does not match.',
        ),
      );
      return;
    }
    this.socialSessions.delete(state);

    const error = url.searchParams.get('error');
    if (error) {
      const description = `Hugging Face: ${url.searchParams.get('error_description') ?? error}`;
      if (this.state.options.socialDenial === 'abort') {
        await this.provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: description },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      return this.showAccountPage(req, res, 'sign-in', description);
    }

    const userinfo = await this.fetchHuggingFaceProfile(url.searchParams.get('code') ?? '');
    const user = this.state.accounts.signInWithSocial(target, socialIdentityFrom(userinfo));
    await this.finishLogin(req, res, user.id);
  }

  /** The connector's server-side half: code → token (client_secret_basic) → userinfo. */
  private async fetchHuggingFaceProfile(code: string): Promise<Record<string, unknown>> {
    const { clientId, clientSecret, redirectUri } = this.huggingFaceApp;
    const ca = this.state.options.tls?.ca;
    const tokenResponse = await selfRequest(new URL('/oauth/token', this.state.endpoint), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
      }).toString(),
      ca,
    });
    if (tokenResponse.status !== 200)
      throw new Error(`Hugging Face token endpoint answered ${tokenResponse.status}`);
    const token = JSON.parse(tokenResponse.body) as { access_token: string; token_type: string };
    const userinfoResponse = await selfRequest(new URL('/oauth/userinfo', this.state.endpoint), {
      headers: { authorization: `Bearer ${token.access_token}` },
      ca,
    });
    if (userinfoResponse.status !== 200)
      throw new Error(`Hugging Face userinfo answered ${userinfoResponse.status}`);
    return JSON.parse(userinfoResponse.body) as Record<string, unknown>;
  }

  private async finishLogin(req: IncomingMessage, res: ServerResponse, accountId: string): Promise<void> {
    await this.provider.interactionFinished(
      req,
      res,
      { login: { accountId } },
      { mergeWithLastSubmission: false },
    );
  }

  /**
   * Logto's koa-auto-consent: first-party apps never see a consent screen; the grant gets every
   * missing OIDC scope, claim and API resource scope.
   */
  private async autoConsent(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await this.provider.interactionDetails(req, res);
    const clientId = String(details.params.client_id ?? '');
    const app = this.state.options.apps.find((candidate) => candidate.id === clientId);
    if (details.prompt.name !== 'consent' || !details.session) {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'no consent prompt is pending' });
      return;
    }
    if (app?.thirdParty) {
      sendHtml(
        res,
        501,
        errorPage(
          this.localeOf(req),
          'not_implemented',
          'The emulator has no consent page for third-party apps.',
        ),
      );
      return;
    }
    const grant = details.grantId
      ? await this.provider.Grant.find(details.grantId)
      : new this.provider.Grant({ accountId: details.session.accountId, clientId });
    if (!grant) throw new Error('grant not found');
    const prompt = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (prompt.missingOIDCScope) grant.addOIDCScope(prompt.missingOIDCScope.join(' '));
    if (prompt.missingOIDCClaims) grant.addOIDCClaims(prompt.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await this.provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }
}

function translateError(locale: Locale, key: string): string {
  const known = ['wrongCredentials', 'usernameTaken', 'usernameInvalid', 'passwordTooShort'] as const;
  return (known as readonly string[]).includes(key) ? translate(locale, key as (typeof known)[number]) : key;
}

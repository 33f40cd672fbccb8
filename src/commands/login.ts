import { Command, Option } from 'commander';
import * as oauth from 'oauth4webapi';

import { updateProfile } from '../config/profiles.js';
import { requireTenant, resolveSettings } from '../config/settings.js';
import { debugLog } from '../io/debug.js';
import { usageError } from '../io/errors.js';
import { writeLine } from '../io/terminal.js';
import { waitFor } from '../io/wait.js';
import { displayName, huggingFaceIdentity, userSummary } from '../logto/profile.js';
import { signInUrl, uiLocalesFromEnv, validateChoices, type SignInChoices } from '../logto/signInUrl.js';
import { startCallbackServer } from '../loopback/callbackServer.js';
import { errorPage, successPage } from '../loopback/pages.js';
import { exchangeCode } from '../oauth/codeExchange.js';
import { protocolError } from '../oauth/errors.js';
import { discover } from '../oauth/provider.js';
import { fetchUserinfo } from '../oauth/userinfo.js';
import { expiresAt } from '../session/validToken.js';
import type { StoredSession } from '../session/session.js';
import { withSessionLock } from '../session/sessionLock.js';
import { saveSession } from '../session/sessionStore.js';
import type { CommandDeps } from './deps.js';

export interface LoginOptions {
  profile?: string;
  endpoint?: string;
  appId?: string;
  connector: string | false;
  signUp: boolean;
  scope: string[];
  resource: string[];
  organization?: string;
  loginHint?: string;
  prompt: string;
  port: number;
  browser: boolean;
  timeout: number;
  storage?: string;
  debug?: boolean;
}

/**
 * `hflogin login`: keychain checked → discovery → loopback listener up → sign-in URL (PKCE, state,
 * nonce, Logto parameters) printed and opened → callback (state, iss) → code exchange → ID token
 * verified → userinfo → session saved → one line to the person.
 */
export async function runLogin(options: LoginOptions, deps: CommandDeps): Promise<void> {
  const debug = debugLog(deps.stderr, Boolean(options.debug));
  const settings = await resolveSettings(options, deps.env);
  const tenant = requireTenant(settings);
  const choices: SignInChoices = validateChoices({
    connector: options.connector,
    signUp: options.signUp,
    scopes: options.scope,
    resources: options.resource,
    organizationId: options.organization,
    loginHint: options.loginHint,
    prompt: options.prompt,
    uiLocales: uiLocalesFromEnv(deps.env),
  });

  // Storage first: if the keychain is unusable, say so before the person signs in for nothing.
  const store = await deps.openStore(settings.storage, settings.configDir);
  await store.check();
  debug(`storage ${store.kind} usable; profile ${settings.profile}`);

  const provider = await discover(tenant.endpoint, tenant.appId, deps.signal);
  debug(`discovered ${provider.as.issuer}`);

  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const server = await startCallbackServer({
    port: options.port,
    filter: (params) => {
      if (params.get('state') === state) return { take: true };
      // A callback for another (or a forged) request: answer it, keep waiting for ours.
      writeLine(deps.stderr, 'Ignored a callback that does not belong to this sign-in (state mismatch).');
      return {
        take: false,
        page: {
          status: 400,
          html: errorPage('This callback does not belong to the sign-in in progress, so it was ignored.'),
        },
      };
    },
  });
  debug(`listening on ${server.redirectUri}`);

  try {
    const url = signInUrl(
      {
        authorizationEndpoint: provider.as.authorization_endpoint!,
        clientId: tenant.appId,
        redirectUri: server.redirectUri,
        state,
        nonce,
        codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      },
      choices,
    );
    const preselected =
      choices.connector === false ? '' : ` (${connectorName(choices.connector)} preselected)`;
    writeLine(deps.stderr, `Sign in to ${provider.host}${preselected} in your browser:`);
    writeLine(deps.stderr, `  ${url.href}`);
    if (options.browser) {
      const opened = await deps.openBrowser(url.href);
      debug(`browser: ${opened.detail}`);
      if (!opened.opened)
        writeLine(deps.stderr, `Could not open a browser (${opened.detail}); open the URL above yourself.`);
    }
    writeLine(
      deps.stderr,
      `Waiting for the sign-in to finish in the browser (Ctrl+C to cancel, times out in ${options.timeout} s)…`,
    );

    const callback = await waitFor(server.callback, {
      timeoutMs: options.timeout * 1000,
      signal: deps.signal,
      what: 'the sign-in in the browser',
    });
    try {
      // RFC 9207: Logto advertises authorization_response_iss_parameter_supported, so iss is required
      // and must be the issuer; state was matched already; an `error` here is the provider's refusal.
      const params = oauth.validateAuthResponse(provider.as, provider.client, callback.params, state);
      const { tokens, claims } = await exchangeCode(
        provider,
        { callbackParams: params, redirectUri: server.redirectUri, codeVerifier, nonce },
        deps.signal,
      );
      debug('code exchanged; ID token signature and claims verified');
      const userinfo = await fetchUserinfo(provider, tokens.access_token, claims.sub, deps.signal);
      const now = deps.now();
      const session: StoredSession = {
        schemaVersion: 1,
        endpoint: tenant.endpoint,
        appId: tenant.appId,
        accessToken: tokens.access_token,
        accessTokenExpiresAt: expiresAt(tokens, now),
        refreshToken: tokens.refresh_token,
        idToken: tokens.id_token,
        scopes: (tokens.scope ?? '').split(' ').filter(Boolean),
        user: userSummary(userinfo),
        huggingface: huggingFaceIdentity(userinfo),
        savedAt: new Date(now).toISOString(),
      };
      // Under the profile's lock, so a refresh finishing in another process cannot overwrite it.
      await withSessionLock(settings.configDir, settings.profile, () =>
        saveSession(store, settings.profile, session),
      );
      await updateProfile(settings.configDir, settings.profile, {
        endpoint: tenant.endpoint,
        appId: tenant.appId,
        storage: store.kind,
      });
      const account = session.huggingface?.username ?? displayName(session.user);
      await callback.respond({ status: 200, html: successPage(account) });
      const via = session.huggingface?.username ? ' (Hugging Face)' : '';
      writeLine(deps.stderr, `Signed in as ${account}${via} to ${provider.host}`);
      if (!session.refreshToken) {
        writeLine(
          deps.stderr,
          'Note: no refresh token was issued, so the session ends when the access token expires.',
        );
      }
    } catch (error) {
      const failure = protocolError(error, 'The sign-in', provider.host);
      await callback.respond({ status: 400, html: errorPage(failure.message, failure.hint) });
      throw failure;
    }
  } finally {
    await server.close();
  }
}

function connectorName(target: string): string {
  return target === 'huggingface' ? 'Hugging Face' : target;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(/[\s,]+/).filter(Boolean)];
}

function positiveInteger(name: string, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0 || number > max)
      throw usageError(`${name} must be a whole number from 0 to ${max}.`);
    return number;
  };
}

export function registerLogin(program: Command, deps: CommandDeps): void {
  program
    .command('login')
    .description(
      'sign in through your browser (Hugging Face preselected) and keep the session in the OS keychain',
    )
    .option('--endpoint <url>', 'Logto tenant endpoint, e.g. https://tenant.logto.app (env HFLOGIN_ENDPOINT)')
    .option('--app-id <id>', 'Logto Native app ID (env HFLOGIN_APP_ID)')
    .option('--connector <target>', 'social connector to go straight to', 'huggingface')
    .option('--no-connector', "show Logto's own sign-in page instead")
    .option('--sign-up', 'open the sign-up page', false)
    .option('--scope <scope>', 'extra scope to request (repeatable; added to the defaults)', collect, [])
    .option('--resource <uri>', 'API resource to request access to (repeatable)', collect, [])
    .option('--organization <id>', 'organization to sign in to')
    .option('--login-hint <hint>', 'pre-fill the username or email')
    .option('--prompt <prompt>', 'OIDC prompt', 'consent')
    .option(
      '--port <port>',
      'loopback port for the callback (default: a free one)',
      positiveInteger('--port', 65_535),
      0,
    )
    .option('--no-browser', 'do not open a browser; print the URL only')
    .option(
      '--timeout <seconds>',
      'how long to wait for the browser',
      positiveInteger('--timeout', 86_400),
      300,
    )
    .addOption(
      new Option('--storage <kind>', 'where to keep the session (env HFLOGIN_STORAGE)').choices([
        'keychain',
        'file',
      ]),
    )
    .action(async (_options: unknown, command: Command) => {
      await runLogin(command.optsWithGlobals<LoginOptions>(), deps);
    });
}

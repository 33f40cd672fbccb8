import { updateProfile } from '../config/profiles.js';
import { requireTenant, resolveSettings } from '../config/settings.js';
import { debugLog } from '../io/debug.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import { startSpinner } from '../io/spinner.js';
import { writeLine } from '../io/terminal.js';
import { isInteractive } from '../io/terminalInput.js';
import { uiLocalesFromEnv, validateChoices, type SignInChoices } from '../logto/authorizationParameters.js';
import { displayName, huggingFaceIdentity, userSummary } from '../logto/profile.js';
import { errorPage, successPage } from '../loopback/pages.js';
import { protocolError } from '../oauth/errors.js';
import { discover, withClient } from '../oauth/provider.js';
import { fetchUserinfo } from '../oauth/userinfo.js';
import { tokenTimes } from '../session/freshness.js';
import type { StoredSession } from '../session/session.js';
import { browserSignIn } from '../signIn/browserSignIn.js';
import { deviceResult, deviceSignIn } from '../signIn/deviceSignIn.js';
import { loginEvents, type EmitLoginEvent } from '../signIn/loginEvents.js';
import type { SignInResult } from '../signIn/signInResult.js';
import { offerSetup } from './configInit.js';
import type { CommandDeps } from './deps.js';
import { sessionOwnerFor } from './profileSession.js';
import { ErrorCode } from '../io/errorCodes.js';

export interface LoginOptions {
  profile?: string;
  endpoint?: string;
  appId?: string;
  deviceAppId?: string;
  device?: boolean;
  connector?: string | false;
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
  json?: boolean;
  color?: boolean;
}

/**
 * `hflogin login`: storage checked → discovery → a way of signing in (the browser through a
 * loopback redirect, with paste-back and a switch to the device flow; or the device flow) → tokens
 * verified → userinfo → session saved → one line to the person.
 */
export async function runLogin(options: LoginOptions, deps: CommandDeps): Promise<void> {
  const emit = loginEvents(deps.stdout, Boolean(options.json));
  try {
    await signIn(options, deps, emit);
  } catch (error) {
    const failure =
      error instanceof HfloginError
        ? error
        : new HfloginError(error instanceof Error ? error.message : String(error), {
            code: ErrorCode.unexpected,
            exitCode: ExitCode.failed,
          });
    emit({
      event: 'error',
      code: failure.code,
      message: failure.message,
      hint: failure.hint ?? null,
      exitCode: failure.exitCode,
    });
    throw error;
  }
}

async function signIn(options: LoginOptions, deps: CommandDeps, emit: EmitLoginEvent): Promise<void> {
  const debug = debugLog(deps.stderr, Boolean(options.debug));
  let settings = await resolveSettings(options, deps.env);
  if ((!settings.endpoint || !settings.appId) && !options.device && isInteractive(deps.stdin, deps.stderr)) {
    // First run on a terminal: offer the setup instead of an error about flags.
    if (await offerSetup(settings.profile, deps)) settings = await resolveSettings(options, deps.env);
  }
  const connector =
    options.connector ??
    (settings.saved.connector === 'none' ? false : (settings.saved.connector ?? 'huggingface'));
  const deviceAppId = options.deviceAppId || deps.env.HFLOGIN_DEVICE_APP_ID || settings.saved.deviceAppId;
  const choices: SignInChoices = validateChoices({
    connector,
    signUp: options.signUp,
    scopes: options.scope,
    resources: options.resource,
    organizationId: options.organization,
    loginHint: options.loginHint,
    prompt: options.prompt,
    uiLocales: uiLocalesFromEnv(deps.env),
  });
  let endpoint: string;
  let appId: string | undefined;
  if (options.device) {
    if (!settings.endpoint) requireTenant(settings);
    if (!deviceAppId) {
      throw new HfloginError('The device flow needs the App ID of a Logto app of the "device flow" kind.', {
        code: ErrorCode.deviceAppMissing,
        exitCode: ExitCode.usage,
        hint: 'Pass --device-app-id, set HFLOGIN_DEVICE_APP_ID, or run hflogin config set device-app-id <id>.',
      });
    }
    endpoint = settings.endpoint!;
  } else {
    ({ endpoint, appId } = requireTenant(settings));
  }

  // Storage first: if the keychain is unusable, say so before the person signs in for nothing.
  const owner = await sessionOwnerFor(settings, deps);
  await owner.checkStorage();
  debug(`storage ${owner.storageKind} usable; profile ${settings.profile}`);

  const provider = await discover(endpoint, appId ?? deviceAppId!, deps, deps.signal);
  debug(`discovered ${provider.as.issuer}`);
  const deviceProvider = deviceAppId ? withClient(provider, deviceAppId) : undefined;

  let result: SignInResult;
  if (options.device) {
    const tokens = await deviceSignIn(deviceProvider!, choices, deps, {
      signal: deps.signal,
      timeoutSeconds: options.timeout,
      emit,
      debug,
    });
    result = deviceResult(deviceProvider!, tokens);
  } else {
    result = await browserSignIn(
      {
        provider,
        choices,
        port: options.port,
        openBrowser: options.browser,
        timeoutSeconds: options.timeout,
        hostFacts: deps.hostFacts(),
        deviceProvider,
        emit,
        colour: options.color,
        debug,
      },
      deps,
    );
  }
  debug('tokens received; ID token signature and claims verified');

  const finishing = startSpinner(deps.stderr, 'Signing in…', deps.env, options.color);
  try {
    const { tokens } = result;
    const userinfo = await fetchUserinfo(
      result.provider.as.userinfo_endpoint,
      tokens.access_token,
      result.subject,
      { http: deps.http, signal: deps.signal },
    );
    const now = deps.now();
    const times = tokenTimes(now, tokens.expires_in);
    const session: StoredSession = {
      schemaVersion: 1,
      endpoint,
      appId: String(result.provider.client.client_id),
      accessToken: tokens.access_token,
      accessTokenExpiresAt: times.expiresAt,
      accessTokenIssuedAt: times.issuedAt,
      refreshToken: tokens.refresh_token,
      idToken: tokens.id_token,
      scopes: (tokens.scope ?? '').split(' ').filter(Boolean),
      user: userSummary(userinfo),
      huggingface: huggingFaceIdentity(userinfo),
      userinfoEndpoint: result.provider.as.userinfo_endpoint,
      savedAt: new Date(now).toISOString(),
    };
    // By the session's owner, under the profile's lock: a refresh finishing in another process
    // cannot overwrite it.
    await owner.recordSignIn(session);
    await updateProfile(settings.configDir, settings.profile, {
      endpoint,
      ...(appId ? { appId } : {}),
      ...(deviceAppId ? { deviceAppId } : {}),
      storage: owner.storageKind,
    });
    const account = session.huggingface?.username ?? displayName(session.user);
    finishing.stop();
    await result.finish({ status: 200, html: successPage(account) });
    emit({
      event: 'signed-in',
      profile: settings.profile,
      endpoint,
      user: session.user,
      huggingface: session.huggingface,
      storage: owner.storageKind,
    });
    const via = session.huggingface?.username ? ' (Hugging Face)' : '';
    writeLine(deps.stderr, `Signed in as ${account}${via} to ${provider.host}`);
    if (!session.refreshToken) {
      writeLine(
        deps.stderr,
        'Note: no refresh token was issued, so the session ends when the access token expires.',
      );
    }
  } catch (error) {
    finishing.stop();
    const failure = protocolError(error, 'The sign-in', provider.host);
    await result.finish({ status: 400, html: errorPage(failure.message, failure.hint) });
    throw failure;
  }
}

import { updateProfile } from '../../config/profiles.js';
import { debugLog, type DebugLog } from '../../io/debug.js';
import { ExitCode, HfloginError, reportedInJson } from '../../io/errors.js';
import { startSpinner } from '../../io/spinner.js';
import { writeLine } from '../../io/terminal.js';
import { displayName } from '../../logto/profile.js';
import { protocolError } from '../../oauth/errors.js';
import { discover, withClient, type ProviderContext } from '../../oauth/provider.js';
import { fetchUserinfo } from '../../oauth/userinfo.js';
import type { StoredSession } from '../../session/session.js';
import type { SessionOwner } from '../../session/sessionOwner.js';
import { browserSignIn } from '../../signIn/browserSignIn.js';
import { deviceResult, deviceSignIn } from '../../signIn/deviceSignIn.js';
import { loginEvents, type EmitLoginEvent } from '../../signIn/loginEvents.js';
import { checkDeviceFlowApp, connectorEnabled, warnConnectorDisabled } from '../../signIn/preflight.js';
import type { SignInResult } from '../../signIn/signInResult.js';
import type { CommandDeps } from '../deps.js';
import type { LoginOptions } from './loginOptions.js';
import { loginSettings, type LoginSettings } from './loginSettings.js';
import { sessionFromSignIn } from './sessionFromSignIn.js';
import { sessionOwnerFor } from '../profileSession.js';
import { ErrorCode } from '../../io/errorCodes.js';

export type { LoginOptions };

/** What every step of a login shares. */
interface LoginRun {
  options: LoginOptions;
  deps: CommandDeps;
  emit: EmitLoginEvent;
  debug: DebugLog;
}

/**
 * `hflogin login`: settings → storage checked → discovery → a way of signing in (the browser through
 * a loopback redirect, with paste-back and a switch to the device flow; or the device flow) → tokens
 * verified → userinfo → session saved → one line to the person. With --json, each step is an event.
 */
export async function runLogin(options: LoginOptions, deps: CommandDeps): Promise<void> {
  const run: LoginRun = {
    options,
    deps,
    emit: loginEvents(deps.stdout, Boolean(options.json)),
    debug: debugLog(deps.stderr, Boolean(options.debug)),
  };
  try {
    const login = await loginSettings(options, deps);
    const owner = await usableStorage(login, run);
    // The sign-in experience is read beside discovery: it needs only the endpoint.
    const connector = connectorEnabled(login.endpoint, login.choices.connector, deps, run.debug);
    connector.catch(() => undefined);
    const providers = await discoverApps(login, run);
    const result = await signIn(login, providers, await connector, run);
    run.debug('tokens received; ID token signature and claims verified');
    await keepSession(result, login, owner, run);
  } catch (error) {
    emitError(error, run.emit);
    // With --json, its `error` event is the failure's JSON: the program prints no second document.
    throw options.json && typeof error === 'object' && error !== null ? reportedInJson(error) : error;
  }
}

/** Storage first: if the keychain is unusable, say so before the person signs in for nothing. */
async function usableStorage({ settings }: LoginSettings, run: LoginRun): Promise<SessionOwner> {
  const owner = await sessionOwnerFor(settings, run.deps);
  await owner.checkStorage();
  run.debug(`storage ${owner.storageKind} usable; profile ${settings.profile}`);
  return owner;
}

interface Apps {
  /** The native app (the device-flow app with --device). */
  provider: ProviderContext;
  /** The device-flow app, when one is configured. */
  deviceProvider: ProviderContext | undefined;
}

async function discoverApps(login: LoginSettings, { deps, debug }: LoginRun): Promise<Apps> {
  const provider = await discover(login.endpoint, login.appId ?? login.deviceAppId!, deps, deps.signal);
  debug(`discovered ${provider.as.issuer}`);
  return {
    provider,
    deviceProvider: login.deviceAppId ? withClient(provider, login.deviceAppId) : undefined,
  };
}

/**
 * --device: the device flow; otherwise the browser (with paste-back and the switch to a code). Each
 * checks its app with Logto first, and says so when the chosen connector is not enabled.
 */
async function signIn(
  login: LoginSettings,
  apps: Apps,
  connectorIsEnabled: boolean | undefined,
  run: LoginRun,
): Promise<SignInResult> {
  const { options, deps, emit, debug } = run;
  if (options.device) {
    await checkDeviceFlowApp(apps.deviceProvider!, deps, debug);
    if (login.choices.connector !== false && connectorIsEnabled === false)
      warnConnectorDisabled(apps.deviceProvider!.host, login.choices.connector, {
        stderr: deps.stderr,
        emit,
      });
    const tokens = await deviceSignIn(apps.deviceProvider!, login.choices, deps, {
      signal: deps.signal,
      timeoutSeconds: options.timeout,
      emit,
      debug,
    });
    return deviceResult(apps.deviceProvider!, tokens);
  }
  return browserSignIn(
    {
      provider: apps.provider,
      choices: login.choices,
      port: options.port,
      openBrowser: options.browser,
      timeoutSeconds: options.timeout,
      hostFacts: deps.hostFacts(),
      deviceProvider: apps.deviceProvider,
      emit,
      colour: options.color,
      debug,
      connectorEnabled: connectorIsEnabled,
    },
    deps,
  );
}

/**
 * userinfo → the session saved by its owner → the profile remembers the tenant → the browser, the
 * events and the person are told. A failure on the way is shown in the waiting browser too.
 */
async function keepSession(
  result: SignInResult,
  login: LoginSettings,
  owner: SessionOwner,
  run: LoginRun,
): Promise<void> {
  const { deps } = run;
  const finishing = startSpinner(deps.stderr, 'Signing in…', deps.env, run.options.color);
  try {
    const session = await saveSession(result, login, owner, deps);
    finishing.stop();
    await signedIn(result, session, login, owner, run);
  } catch (error) {
    finishing.stop();
    const failure = protocolError(error, 'The sign-in', result.provider.host);
    await result.finish({ failure });
    throw failure;
  }
}

async function saveSession(
  result: SignInResult,
  login: LoginSettings,
  owner: SessionOwner,
  deps: CommandDeps,
): Promise<StoredSession> {
  const { tokens } = result;
  const userinfo = await fetchUserinfo(
    result.provider.as.userinfo_endpoint,
    tokens.access_token,
    result.subject,
    { http: deps.http, signal: deps.signal, tenant: login.endpoint },
  );
  const session = sessionFromSignIn(result, userinfo, login.endpoint, deps.now());
  // By the session's owner, under the profile's lock: a refresh finishing in another process
  // cannot overwrite it.
  await owner.recordSignIn(session);
  await updateProfile(login.settings.configDir, login.settings.profile, {
    endpoint: login.endpoint,
    ...(login.appId ? { appId: login.appId } : {}),
    ...(login.deviceAppId ? { deviceAppId: login.deviceAppId } : {}),
    storage: owner.storageKind,
  });
  return session;
}

/** The browser shows who signed in, then the `signed-in` event and one line on stderr. */
async function signedIn(
  result: SignInResult,
  session: StoredSession,
  login: LoginSettings,
  owner: SessionOwner,
  { deps, emit }: LoginRun,
): Promise<void> {
  const account = session.huggingface?.username ?? displayName(session.user);
  await result.finish({ signedInAs: account });
  emit({
    event: 'signed-in',
    profile: login.settings.profile,
    endpoint: login.endpoint,
    user: session.user,
    huggingface: session.huggingface,
    storage: owner.storageKind,
  });
  const via = session.huggingface?.username ? ' (Hugging Face)' : '';
  writeLine(deps.stderr, `Signed in as ${account}${via} to ${result.provider.host}`);
  if (!session.refreshToken) {
    writeLine(
      deps.stderr,
      'Note: no refresh token was issued, so the session ends when the access token expires.',
    );
  }
}

/** `--json`: a failure is an `error` event too (the exit code and stderr say the same). */
function emitError(error: unknown, emit: EmitLoginEvent): void {
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
}

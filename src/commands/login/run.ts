import { updateProfile } from '../../config/profiles.js';
import { debugLog, type DebugLog } from '../../io/debug.js';
import { HfloginError, reportedInJson, unexpectedError } from '../../io/errors.js';
import { startSpinner } from '../../io/spinner.js';
import { writeLine } from '../../io/terminal.js';
import { displayName } from '../../logto/profile.js';
import { protocolError } from '../../oauth/errors.js';
import { discover, withClient, type ProviderContext } from '../../oauth/provider.js';
import { fetchUserinfo } from '../../oauth/userinfo.js';
import type { StoredSession } from '../../session/session.js';
import type { ReplacedRevocation, SessionOwner } from '../../session/sessionOwner.js';
import { browserSignIn } from '../../signIn/browserSignIn.js';
import { deviceResult, deviceSignIn } from '../../signIn/deviceSignIn.js';
import { loginEvents, type EmitLoginEvent } from '../../signIn/loginEvents.js';
import { checkDeviceFlowApp, connectorEnabled, warnConnectorDisabled } from '../../signIn/preflight.js';
import type { SignInResult } from '../../signIn/signInResult.js';
import type { CommandDeps } from '../deps.js';
import type { LoginOptions } from './loginOptions.js';
import { loginSettings, type LoginSettings } from './loginSettings.js';
import { sessionFromSignIn } from './sessionFromSignIn.js';
import { checkStorageOrOfferFile } from './storageOffer.js';
import { sessionOwnerFor } from '../profileSession.js';

export type { LoginOptions };

/** What every step of a login shares. */
interface LoginRun {
  options: LoginOptions;
  deps: CommandDeps;
  emit: EmitLoginEvent;
  debug: DebugLog;
}

/**
 * `hflogin login`: storage checked (the file offered) → settings (the first-run setup) → discovery → a way of signing in (the browser through
 * a loopback redirect, with paste-back and a switch to the device flow; or the device flow) → tokens
 * verified → userinfo → session saved → one line to the person. With --json, each step is an event.
 */
export async function runLogin(options: LoginOptions, deps: CommandDeps): Promise<void> {
  const run: LoginRun = {
    options,
    deps,
    emit: loginEvents(deps.stdout, Boolean(options.json)),
    // The program's (with every request traced); options.debug alone when the run is called directly.
    debug: deps.debug ?? debugLog(deps.stderr, Boolean(options.debug)),
  };
  try {
    const login = await loginSettings(options, deps, (settings) =>
      checkStorageOrOfferFile(settings, options, deps),
    );
    const owner = await sessionOwnerFor(login.settings, deps);
    run.debug(
      `storage ${owner.storageKind} usable (a test entry was written, read and cleared); profile ${login.settings.profile}`,
    );
    announceReplacement(await owner.replaceable(), login, run);
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

/** Who signed in before: `alice-hf (Hugging Face)`, or the Logto user's name. */
function accountOf(session: StoredSession): string {
  const username = session.huggingface?.username;
  return username ? `${username} (Hugging Face)` : displayName(session.user);
}

/**
 * Signing in again replaces the profile's session: say whose, before the browser opens, and how to
 * reach another Hugging Face account (Logto's browser session would otherwise sign the same one
 * straight back in). Nothing is revoked yet: a sign-in that fails leaves the session as it was.
 */
function announceReplacement(previous: StoredSession | null, login: LoginSettings, run: LoginRun): void {
  if (!previous) return;
  const { options, deps } = run;
  writeLine(
    deps.stderr,
    `Replacing the session of ${accountOf(previous)} on ${new URL(previous.endpoint).host} (profile "${login.settings.profile}") once you have signed in.`,
  );
  if (!options.selectAccount && !options.device)
    writeLine(deps.stderr, 'To sign in as another Hugging Face account, add --select-account.');
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
    const { session, replaced } = await saveSession(result, login, owner, deps);
    finishing.stop();
    await signedIn(result, session, replaced, login, owner, run);
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
): Promise<{ session: StoredSession; replaced: StoredSession | null }> {
  const { tokens } = result;
  const userinfo = await fetchUserinfo(
    result.provider.as.userinfo_endpoint,
    tokens.access_token,
    result.subject,
    { http: deps.http, signal: deps.signal, tenant: login.endpoint },
  );
  const session = sessionFromSignIn(result, userinfo, login.endpoint, login.choices.resources, deps.now());
  // By the session's owner, under the profile's lock: a refresh finishing in another process
  // cannot overwrite it. What it replaced is revoked only now that it is saved.
  const replaced = await owner.recordSignIn(session);
  await updateProfile(login.settings.configDir, login.settings.profile, {
    endpoint: login.endpoint,
    ...(login.appId ? { appId: login.appId } : {}),
    ...(login.deviceAppId ? { deviceAppId: login.deviceAppId } : {}),
    storage: owner.storageKind,
  });
  return { session, replaced };
}

/**
 * The browser shows who signed in; the replaced session's grant is revoked (a failure is said, and
 * the sign-in still succeeds); then the `signed-in` event and one line on stderr.
 */
async function signedIn(
  result: SignInResult,
  session: StoredSession,
  replaced: StoredSession | null,
  login: LoginSettings,
  owner: SessionOwner,
  run: LoginRun,
): Promise<void> {
  const { deps, emit } = run;
  const account = session.huggingface?.username ?? displayName(session.user);
  await result.finish({ signedInAs: account });
  const revocation = replaced ? await revokeReplaced(replaced, session, owner, run) : undefined;
  emit({
    event: 'signed-in',
    profile: login.settings.profile,
    endpoint: login.endpoint,
    user: session.user,
    huggingface: session.huggingface,
    storage: owner.storageKind,
    replaced:
      replaced && revocation
        ? {
            endpoint: replaced.endpoint,
            user: replaced.user,
            huggingface: replaced.huggingface,
            revocation: revocation.outcome,
          }
        : null,
  });
  const via = session.huggingface?.username ? ' (Hugging Face)' : '';
  writeLine(
    deps.stderr,
    `Signed in as ${account}${via} to ${result.provider.host}${replaced && revocation ? ` ${wasNote(replaced, session, revocation)}` : ''}`,
  );
  if (revocation?.outcome === 'failed') {
    writeLine(
      deps.stderr,
      `Could not revoke the previous session at ${new URL(replaced!.endpoint).host}, so it stays valid until it expires${run.options.debug ? '' : ' (--debug says why)'}.`,
    );
  }
  if (!session.refreshToken) {
    writeLine(
      deps.stderr,
      'Note: no refresh token was issued, so the session ends when the access token expires.',
    );
  }
}

/** The previous session's grant revoked now that the new one is saved, with what --debug says of it. */
async function revokeReplaced(
  replaced: StoredSession,
  session: StoredSession,
  owner: SessionOwner,
  { debug }: LoginRun,
): Promise<ReplacedRevocation> {
  const revocation = await owner.revokeReplaced(replaced, session);
  if (revocation.outcome === 'failed') debug(`revoking the replaced session failed: ${revocation.reason}`);
  if (revocation.outcome === 'revoked') debug('the replaced session was revoked at Logto');
  if (revocation.outcome === 'kept')
    debug(
      'the replaced session, of the same account and app, was not revoked: Logto may have issued this sign-in on its grant (its browser session reuses it), and revoking it would end this one too',
    );
  return revocation;
}

/** `(was alice-hf (Hugging Face); revoked)`: whom the sign-in replaced, and what became of that session. */
function wasNote(replaced: StoredSession, session: StoredSession, revocation: ReplacedRevocation): string {
  const where = replaced.endpoint === session.endpoint ? '' : ` on ${new URL(replaced.endpoint).host}`;
  if (revocation.outcome === 'kept')
    return "(replaced this account's previous session; it was not revoked, as Logto may share one grant between the two)";
  const what = revocation.outcome === 'revoked' ? 'that session was revoked' : 'that session was not revoked';
  return `(was ${accountOf(replaced)}${where}; ${what})`;
}

/** `--json`: a failure is an `error` event too (the exit code and stderr say the same). */
function emitError(error: unknown, emit: EmitLoginEvent): void {
  const failure =
    error instanceof HfloginError
      ? error
      : unexpectedError(error instanceof Error ? error.message : String(error));
  emit({
    event: 'error',
    code: failure.code,
    message: failure.message,
    hint: failure.hint,
    exitCode: failure.exitCode,
  });
}

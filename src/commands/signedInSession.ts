import { resolveSettings, type Settings } from '../config/settings.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import type { StoredSession } from '../session/session.js';
import { loadSession } from '../session/sessionStore.js';
import { lazyProvider, type SessionContext } from '../session/validToken.js';
import type { SecretStore } from '../storage/secretStore.js';
import type { CommandDeps } from './deps.js';

export interface SignedIn {
  settings: Settings;
  store: SecretStore;
  session: StoredSession;
  context: SessionContext;
}

export function notSignedIn(profile: string): HfloginError {
  const flag = profile === 'default' ? '' : ` --profile ${profile}`;
  return new HfloginError(`Not signed in (profile "${profile}").`, {
    code: 'not_signed_in',
    exitCode: ExitCode.notSignedIn,
    hint: `Run hflogin login${flag} to sign in.`,
  });
}

/** The profile's stored session, or exit 4 saying how to sign in. Never starts a sign-in. */
export async function requireSession(profile: string | undefined, deps: CommandDeps): Promise<SignedIn> {
  const settings = await resolveSettings({ profile }, deps.env);
  const store = await deps.openStore(settings.storage, settings.configDir);
  const session = await loadSession(store, settings.profile);
  if (!session) throw notSignedIn(settings.profile);
  const context: SessionContext = {
    // Discovery (and the OIDC client) load only when a command needs the network.
    provider: lazyProvider(async () =>
      (await import('../oauth/provider.js')).discover(session.endpoint, session.appId, deps.signal),
    ),
    store,
    profile: settings.profile,
    configDir: settings.configDir,
    now: deps.now,
    signal: deps.signal,
  };
  return { settings, store, session, context };
}

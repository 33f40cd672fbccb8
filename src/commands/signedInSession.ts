import { resolveSettings, type Settings } from '../config/settings.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import type { StoredSession } from '../session/session.js';
import { loadSession } from '../session/sessionStore.js';
import type { SecretStore } from '../storage/secretStore.js';
import type { CommandDeps } from './deps.js';

export interface SignedIn {
  settings: Settings;
  store: SecretStore;
  session: StoredSession;
}

/** The profile's stored session, or exit 4 saying how to sign in. Never starts a sign-in. */
export async function requireSession(profile: string | undefined, deps: CommandDeps): Promise<SignedIn> {
  const settings = await resolveSettings({ profile }, deps.env);
  const store = await deps.openStore(settings.storage, settings.configDir);
  const session = await loadSession(store, settings.profile);
  if (!session) {
    const flag = settings.profile === 'default' ? '' : ` --profile ${settings.profile}`;
    throw new HfloginError(`Not signed in (profile "${settings.profile}").`, {
      code: 'not_signed_in',
      exitCode: ExitCode.notSignedIn,
      hint: `Run hflogin login${flag} to sign in.`,
    });
  }
  return { settings, store, session };
}

import { updateProfile } from '../../config/profiles.js';
import type { Settings } from '../../config/settings.js';
import { HfloginError } from '../../io/errors.js';
import { ErrorCode } from '../../io/errorCodes.js';
import { writeLine } from '../../io/terminal.js';
import { askLine, isInteractive } from '../../io/terminalInput.js';
import { sessionFilePath } from '../../storage/fileStore.js';
import type { CommandDeps } from '../deps.js';
import type { LoginOptions } from './loginOptions.js';

/**
 * The session's storage, checked before anything is asked or saved: a first run on a server without
 * a Secret Service must not walk through the tenant setup only to fail at the end. When the keychain
 * cannot be used and the person is at a terminal, hflogin offers the 0600 file for this profile, as
 * an explicit question whose default is no (never a silent fallback); a yes is saved as the
 * profile's `storage`, so later commands find the session. Without a terminal, with --json, or when
 * this run named its storage (--storage, HFLOGIN_STORAGE), the failure stands: exit 6, in words.
 */
export async function checkStorageOrOfferFile(
  settings: Settings,
  options: LoginOptions,
  deps: CommandDeps,
): Promise<void> {
  const failure = await storageFailure(settings, deps);
  if (!failure) return;
  const chosenForThisRun = Boolean(options.storage || deps.env.HFLOGIN_STORAGE);
  const offerable =
    failure.code === ErrorCode.storageUnavailable &&
    settings.storage === 'keychain' &&
    !chosenForThisRun &&
    !options.json &&
    isInteractive(deps.stdin, deps.stderr);
  if (!offerable || !(await acceptsFile(failure, settings, deps))) throw failure;

  const fileFailure = await storageFailure({ ...settings, storage: 'file' }, deps);
  if (fileFailure) throw fileFailure;
  await updateProfile(settings.configDir, settings.profile, { storage: 'file' });
  writeLine(
    deps.stderr,
    `Profile "${settings.profile}" keeps its session in that file from now on (hflogin config set storage keychain to go back).`,
  );
}

/** The failure of the storage `settings` name (opened and checked), or undefined when it is usable. */
async function storageFailure(settings: Settings, deps: CommandDeps): Promise<HfloginError | undefined> {
  try {
    const store = await deps.openStore(settings.storage, settings.configDir);
    await store.check();
    return undefined;
  } catch (error) {
    if (error instanceof HfloginError) return error;
    throw error;
  }
}

/** Says why the keychain cannot be used and asks; true for an explicit yes. */
async function acceptsFile(failure: HfloginError, settings: Settings, deps: CommandDeps): Promise<boolean> {
  const path = sessionFilePath(settings.configDir, settings.profile);
  writeLine(deps.stderr, failure.message);
  writeLine(deps.stderr, `hflogin can keep this profile's session in a file instead: ${path}`);
  writeLine(
    deps.stderr,
    'Only you can read it (mode 0600), but it is not encrypted: root, and anything running as you, can read it too.',
  );
  const answer = await askLine(
    `Keep the session of profile "${settings.profile}" in that file? (y/N)`,
    (value) => (/^(y|yes|n|no)?$/i.test(value.trim()) ? true : 'Answer y or n.'),
    { stdin: deps.stdin, stderr: deps.stderr, signal: deps.signal },
  );
  return /^y/i.test(answer.trim());
}

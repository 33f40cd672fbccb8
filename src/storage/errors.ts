import { ExitCode, HfloginError } from '../io/errors.js';
import { ErrorCode } from '../io/errorCodes.js';
import { keychainTrouble } from './keychainTrouble.js';

/** The ways out every keychain failure shares: the 0600 file, this once or for good. */
const fileInstead =
  'keep the session in a 0600 file: --storage file (this time; HFLOGIN_STORAGE=file) or hflogin config set storage file (from now on)';

export function storageUnavailable(what: string, cause: unknown): HfloginError {
  if (what === 'OS keychain') {
    // The library's own text names D-Bus, not what happened: it stays on the cause (--debug).
    const { reason, remedy } = keychainTrouble(cause);
    return keychainUnavailable(reason, remedy, cause);
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new HfloginError(`The ${what} cannot be used: ${reason}`, {
    code: ErrorCode.storageUnavailable,
    exitCode: ExitCode.storage,
    hint: 'Check the permissions of the config directory (HFLOGIN_CONFIG_DIR).',
    cause,
  });
}

/** The keychain's native module (@napi-rs/keyring) did not load: an unsupported platform, a damaged install. */
export function keychainModuleUnavailable(cause: unknown): HfloginError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return keychainUnavailable(
    `hflogin's keychain module could not be loaded (${detail})`,
    'Reinstall hflogin',
    cause,
  );
}

function keychainUnavailable(reason: string, remedy: string, cause: unknown): HfloginError {
  return new HfloginError(`The OS keychain cannot be used: ${reason.replace(/\.$/, '')}.`, {
    code: ErrorCode.storageUnavailable,
    exitCode: ExitCode.storage,
    hint: `${remedy}, or ${fileInstead}.`,
    cause,
  });
}

export function storedSessionUnreadable(where: string, cause: unknown): HfloginError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new HfloginError(`The stored session in the ${where} is unreadable (${reason}).`, {
    code: ErrorCode.sessionCorrupt,
    exitCode: ExitCode.notSignedIn,
    hint: 'Run hflogin login to sign in again; it replaces the damaged entry.',
    cause,
  });
}

import { ExitCode, HfloginError } from '../io/errors.js';
import { ErrorCode } from '../io/errorCodes.js';

export function storageUnavailable(what: string, cause: unknown): HfloginError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new HfloginError(`The ${what} cannot be used: ${reason}`, {
    code: ErrorCode.storageUnavailable,
    exitCode: ExitCode.storage,
    hint:
      what === 'OS keychain'
        ? 'Unlock or start your keychain (on Linux: a Secret Service such as gnome-keyring), or keep the session in a 0600 file with --storage file (HFLOGIN_STORAGE=file).'
        : 'Check the permissions of the config directory (HFLOGIN_CONFIG_DIR).',
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

import { describe, expect, it } from 'vitest';

import { keychainModuleUnavailable, storageUnavailable } from '../../src/storage/errors.js';
import { keychainTrouble } from '../../src/storage/keychainTrouble.js';

/** @napi-rs/keyring's error as it throws it: each wrapper's cause is the next message inward. */
function napiError(...chain: string[]): Error {
  let error: Error | undefined;
  for (const message of [...chain].reverse())
    error = new Error(message, error ? { cause: error } : undefined);
  return error!;
}

const noBus =
  'there is no D-Bus session here (usual over SSH and in containers), so no Secret Service such as gnome-keyring can be reached';

/**
 * The messages @napi-rs/keyring 2 throws on Linux (Secret Service pinned), each in the state that
 * produced it on Debian (the last, a locked item, is from the library's own strings), and what the
 * person is told instead.
 */
const seen: Array<[state: string, error: Error, reason: string]> = [
  [
    'DBUS_SESSION_BUS_ADDRESS names a socket that is not there',
    napiError(
      'Platform failure: DBus error: Failed to connect to socket /nonexistent/bus: No such file or directory',
      'DBus error: Failed to connect to socket /nonexistent/bus: No such file or directory',
      'Failed to connect to socket /nonexistent/bus: No such file or directory',
    ),
    noBus,
  ],
  [
    'DBUS_SESSION_BUS_ADDRESS unset (X11 autolaunch is compiled out)',
    napiError(
      'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead',
    ),
    noBus,
  ],
  [
    'a stale bus socket',
    napiError('Platform failure: DBus error: Failed to connect to socket /tmp: Connection refused'),
    noBus,
  ],
  [
    'a malformed bus address',
    napiError('Platform failure: DBus error: Address does not contain a colon'),
    noBus,
  ],
  [
    'a session bus without a Secret Service',
    napiError(
      'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files',
    ),
    'no Secret Service (such as gnome-keyring or KeePassXC) runs in this D-Bus session',
  ],
  [
    'a locked keyring whose unlock prompt cannot be shown (no display)',
    napiError(
      "Couldn't access platform storage: Secret Service: unlock prompt was dismissed",
      'Secret Service: unlock prompt was dismissed',
    ),
    'the keyring is locked, and its unlock prompt was dismissed or could not be shown (it needs a display)',
  ],
  [
    'gnome-keyring with no default keyring, started without --unlock',
    napiError(
      "Couldn't access platform storage: Secret Service: no result found",
      'Secret Service: no result found',
    ),
    'the Secret Service has no default keyring to keep it in, and cannot ask you to create one here',
  ],
  [
    'a locked item',
    napiError("Couldn't access platform storage: Secret Service: object locked"),
    'the keyring is locked',
  ],
];

describe('keychain failures in words', () => {
  it.each(seen)('%s', (_state, error, reason) => {
    expect(keychainTrouble(error).reason).toBe(reason);
    const failure = storageUnavailable('OS keychain', error);
    expect(failure.message).toBe(`The OS keychain cannot be used: ${reason}.`);
    expect(failure.message).not.toMatch(/Platform failure|DBus error|Couldn't access platform storage/);
    expect(failure.exitCode).toBe(6);
    expect(failure.hint).toContain('--storage file');
    expect(failure.hint).toContain('hflogin config set storage file');
    // The library's own text stays on the cause, for --debug.
    expect(failure.cause).toBe(error);
  });

  it('an unknown failure keeps its text, without the library wrappers', () => {
    expect(storageUnavailable('OS keychain', napiError('Platform failure: something new.')).message).toBe(
      'The OS keychain cannot be used: something new.',
    );
  });

  it('a keychain module that does not load says so, with the loader’s reason', () => {
    const failure = keychainModuleUnavailable(new Error('libdbus-1.so.3: cannot open shared object file'));
    expect(failure.message).toBe(
      "The OS keychain cannot be used: hflogin's keychain module could not be loaded (libdbus-1.so.3: cannot open shared object file).",
    );
    expect(failure.hint).toBe(
      'Reinstall hflogin, or keep the session in a 0600 file: --storage file (this time; HFLOGIN_STORAGE=file) or hflogin config set storage file (from now on).',
    );
  });

  it('the session file keeps its own message and hint', () => {
    const failure = storageUnavailable('session file', new Error('EACCES: permission denied'));
    expect(failure.message).toBe('The session file cannot be used: EACCES: permission denied');
    expect(failure.hint).toBe('Check the permissions of the config directory (HFLOGIN_CONFIG_DIR).');
  });
});

/**
 * What went wrong with the OS keychain, in words, from what @napi-rs/keyring threw. Its messages are
 * keyring-rs's wrappers ("Platform failure: …", "Couldn't access platform storage: …") around the
 * Secret Service client's (dbus-secret-service: "Secret Service: object locked", "… no result
 * found", "… unlock prompt was dismissed") or libdbus's own text ("Failed to connect to socket
 * /run/user/1000/bus: No such file or directory", "The name org.freedesktop.secrets was not provided
 * by any .service files"). They name a transport, not what happened; the person needs the latter.
 * The library's text stays on the error's cause (`--debug` prints it).
 */
export interface KeychainTrouble {
  /** What happened, as the end of "The OS keychain cannot be used: …". */
  reason: string;
  /** What the person can do about the keychain itself (the 0600 file is offered beside it). */
  remedy: string;
}

const startSecretService =
  'Start a Secret Service (e.g. gnome-keyring) in a D-Bus session, or sign in from a desktop session';
const unlockKeyring =
  'Unlock the keyring first (gnome-keyring-daemon --unlock, or Passwords and Keys on the desktop)';

/**
 * Each row: a pattern over the whole chain of messages, and what it means. Order matters: a missing
 * Secret Service on a live bus is "not provided by any .service files", which is no socket failure.
 */
const troubles: Array<{ pattern: RegExp } & KeychainTrouble> = [
  {
    // dbus-daemon has no owner nor .service file for org.freedesktop.secrets.
    pattern: /was not provided by any \.service files|ServiceUnknown|NameHasNoOwner/i,
    reason: 'no Secret Service (such as gnome-keyring or KeePassXC) runs in this D-Bus session',
    remedy: startSecretService,
  },
  {
    // No session bus at all: DBUS_SESSION_BUS_ADDRESS unset (libdbus then tries X11 autolaunch,
    // compiled out on Debian), malformed, or naming a socket that is not there.
    pattern:
      /Failed to connect to (?:socket|the D-?Bus session bus)|DBUS_SESSION_BUS_ADDRESS|autolaunch|Address does not contain a colon|Unknown address type|No DBus session|no secret service provider or dbus session/i,
    reason:
      'there is no D-Bus session here (usual over SSH and in containers), so no Secret Service such as gnome-keyring can be reached',
    remedy: startSecretService,
  },
  {
    // gnome-keyring asked for the password through gcr-prompter, which needs a display.
    pattern: /prompt was dismissed|prompt dismissed|closed before prompt completed/i,
    reason:
      'the keyring is locked, and its unlock prompt was dismissed or could not be shown (it needs a display)',
    remedy: unlockKeyring,
  },
  {
    pattern: /object locked|IsLocked|\bis locked\b|\blocked\b/i,
    reason: 'the keyring is locked',
    remedy: unlockKeyring,
  },
  {
    // The "default" alias points nowhere: no keyring was ever made, and making one needs a prompt.
    pattern: /no result found|result not returned/i,
    reason: 'the Secret Service has no default keyring to keep it in, and cannot ask you to create one here',
    remedy: 'Create and unlock a default keyring (e.g. gnome-keyring-daemon --unlock, or Passwords and Keys)',
  },
  {
    pattern: /NoReply|Did not receive a reply|timed? ?out/i,
    reason: 'the Secret Service did not answer',
    remedy: 'Check that your Secret Service (e.g. gnome-keyring-daemon) is running and responsive',
  },
  {
    // macOS (errSecInteractionNotAllowed): the login keychain is locked and no dialog can be shown.
    pattern: /User interaction is not allowed/i,
    reason: 'the keychain is locked and cannot ask for its password here (as over SSH)',
    remedy: 'Unlock it first: security unlock-keychain',
  },
];

/** The messages of an error and of its causes, joined. */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth += 1) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' | ');
}

/** The innermost message without keyring-rs's and D-Bus's wrappers, for a failure not in the table. */
function plainMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^(?:(?:Platform failure|Couldn't access platform storage|D-?Bus error): )+/i, '');
}

export function keychainTrouble(error: unknown): KeychainTrouble {
  const text = messages(error);
  const known = troubles.find((trouble) => trouble.pattern.test(text));
  if (known) return { reason: known.reason, remedy: known.remedy };
  return {
    reason: plainMessage(error),
    remedy: 'Unlock or start your keychain (on Linux: a Secret Service such as gnome-keyring)',
  };
}

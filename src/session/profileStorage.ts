import type { StorageKind } from '../config/profiles.js';
import { storedSessionUnreadable } from '../storage/errors.js';
import type { SecretStore } from '../storage/secretStore.js';
import { parseSession, serializeSession, type StoredSession } from './session.js';
import { withSessionLock, type LockOptions } from './sessionLock.js';

/**
 * One profile's session where it is kept, as Logto's cli-auth shapes storage
 * (`{ check, load, save, clear, lock }`): the session owner is its only user.
 */
export interface ProfileStorage {
  readonly kind: StorageKind;
  /** Resolves when the store can be written, read and cleared; exit 6 with its reason otherwise. */
  check(): Promise<void>;
  /** The stored session; null when there is none; exit 4 when it is unreadable, 6 when the store is. */
  load(): Promise<StoredSession | null>;
  save(session: StoredSession): Promise<void>;
  clear(): Promise<boolean>;
  /** Runs `work` holding the profile's cross-process lock (not re-entrant). */
  lock<T>(work: () => Promise<T>): Promise<T>;
  /** The same profile where earlier builds kept it (shared by every config directory), if anywhere. */
  legacy(): ProfileStorage | undefined;
}

export function profileStorage(
  store: SecretStore,
  target: { configDir: string; profile: string },
  lockOptions: LockOptions,
): ProfileStorage {
  const { configDir, profile } = target;
  return {
    kind: store.kind,
    check: () => store.check(),
    async load() {
      const text = await store.load(profile);
      if (text === null) return null;
      try {
        return parseSession(text);
      } catch (error) {
        throw storedSessionUnreadable(store.kind === 'keychain' ? 'OS keychain' : 'session file', error);
      }
    },
    save: (session) => store.save(profile, serializeSession(session)),
    clear: () => store.clear(profile),
    lock: (work) => withSessionLock(configDir, profile, work, lockOptions),
    legacy() {
      const old = store.legacy?.();
      return old ? profileStorage(old, target, lockOptions) : undefined;
    },
  };
}

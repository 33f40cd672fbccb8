import type { SecretStore } from '../storage/secretStore.js';
import { storedSessionUnreadable } from '../storage/errors.js';
import { parseSession, serializeSession, type StoredSession } from './session.js';

export async function loadSession(store: SecretStore, profile: string): Promise<StoredSession | null> {
  const text = await store.load(profile);
  if (text === null) return null;
  try {
    return parseSession(text);
  } catch (error) {
    throw storedSessionUnreadable(store.kind === 'keychain' ? 'OS keychain' : 'session file', error);
  }
}

export function saveSession(store: SecretStore, profile: string, session: StoredSession): Promise<void> {
  return store.save(profile, serializeSession(session));
}

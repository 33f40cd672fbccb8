import type { StorageKind } from '../config/profiles.js';

/**
 * Where a profile's session (one secret string) is kept. Implementations report failures as
 * HfloginError: exit 6 when the store cannot be used, exit 4 when what it holds is unreadable.
 */
export interface SecretStore {
  readonly kind: StorageKind;
  /** Resolves when the store can be written, read and cleared; throws (exit 6) with its reason otherwise. */
  check(): Promise<void>;
  load(profile: string): Promise<string | null>;
  save(profile: string, secret: string): Promise<void>;
  /** Resolves true when something was removed. */
  clear(profile: string): Promise<boolean>;
  /** Where an older hflogin kept the same profile's session, if anywhere else (migrated once). */
  legacy?(): SecretStore | undefined;
}

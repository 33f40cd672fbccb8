import { configDirScope } from '../config/paths.js';
import type { StorageKind } from '../config/profiles.js';
import { HfloginError } from '../io/errors.js';
import type { RandomBytes } from '../io/machine.js';
import { keychainModuleUnavailable } from './errors.js';
import { FileStore } from './fileStore.js';
import { KeychainStore } from './keychainStore.js';
import { napiKeyringBackend } from './napiKeyring.js';
import type { SecretStore } from './secretStore.js';

export async function openStore(
  kind: StorageKind,
  configDir: string,
  env: NodeJS.ProcessEnv,
  /** Names the single binary's temporary addon file (src/storage/keyringModule.ts). */
  random?: RandomBytes,
): Promise<SecretStore> {
  if (kind === 'file') return new FileStore(configDir);
  try {
    return new KeychainStore(await napiKeyringBackend(undefined, env, random), configDirScope(configDir));
  } catch (error) {
    // The single binary's addon cache is another user's to change: exit 2, naming it and the fix.
    if (error instanceof HfloginError) throw error;
    // The native addon itself failed to load (unsupported platform, damaged install).
    throw keychainModuleUnavailable(error);
  }
}

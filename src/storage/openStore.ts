import { configDirScope } from '../config/paths.js';
import type { StorageKind } from '../config/profiles.js';
import { storageUnavailable } from './errors.js';
import { FileStore } from './fileStore.js';
import { KeychainStore } from './keychainStore.js';
import { napiKeyringBackend } from './napiKeyring.js';
import type { SecretStore } from './secretStore.js';

export async function openStore(
  kind: StorageKind,
  configDir: string,
  env: NodeJS.ProcessEnv,
): Promise<SecretStore> {
  if (kind === 'file') return new FileStore(configDir);
  try {
    return new KeychainStore(await napiKeyringBackend(undefined, env), configDirScope(configDir));
  } catch (error) {
    // The native addon itself failed to load (unsupported platform, damaged install).
    throw storageUnavailable('OS keychain', error);
  }
}

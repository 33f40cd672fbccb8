import type { RandomBytes } from '../io/machine.js';
import type { KeyringBackend } from './keychainStore.js';
import { loadKeyringModule } from './keyringModule.js';

export const keychainService = 'hflogin';

/**
 * The OS keychain through @napi-rs/keyring (loaded only when used: it is a native addon). On Linux
 * the Secret Service store is pinned: the library's fallback, the kernel keyring, forgets everything
 * on reboot, and a silent fallback would hide a locked or missing keyring.
 */
export async function napiKeyringBackend(
  service = keychainService,
  env: NodeJS.ProcessEnv = {},
  random?: RandomBytes,
): Promise<KeyringBackend> {
  const keyring = await loadKeyringModule(env, random);
  const options = { linux: { store: 'secret-service' as const } };
  const entry = (account: string) => new keyring.AsyncEntry(service, account, options);
  return {
    get: (account) =>
      entry(account)
        .getPassword()
        .then((value) => value ?? null),
    set: (account, value) => entry(account).setPassword(value),
    delete: (account) => entry(account).deleteCredential(),
    list: async () => (await keyring.findCredentialsAsync(service)).map((credential) => credential.account),
    getAll: async () =>
      new Map(
        (await keyring.findCredentialsAsync(service)).map((credential) => [
          credential.account,
          credential.password,
        ]),
      ),
  };
}

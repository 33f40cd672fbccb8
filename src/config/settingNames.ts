import { usageError } from '../io/errors.js';

/**
 * The settings a profile keeps, by their command-line names, in the order help lists them. Apart
 * from how each is parsed (settingKeys.ts): `config`'s definition needs only the names, and every
 * command line loads that definition.
 */
export const settingNames = ['endpoint', 'app-id', 'device-app-id', 'connector', 'storage'] as const;
export type Key = (typeof settingNames)[number];

/** One line per setting, for `config set --help` (and shell completion's descriptions). */
export const settingSummaries: Record<Key, string> = {
  endpoint: 'Logto tenant, e.g. https://tenant.logto.app',
  'app-id': 'ID of the Logto Native app hflogin signs in with',
  'device-app-id': 'ID of the Logto app for login --device (the device flow)',
  connector: "social connector login opens (huggingface; none: Logto's page)",
  storage: 'where the session is kept: keychain (the default) or file (0600)',
};

export function keyOf(name: string): Key {
  if ((settingNames as readonly string[]).includes(name)) return name as Key;
  throw usageError(`Unknown setting "${name}".`, `Settings: ${settingNames.join(', ')}.`);
}

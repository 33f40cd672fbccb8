import { usageError } from '../io/errors.js';

/**
 * The settings a profile keeps, by their command-line names, in the order help lists them. Apart
 * from how each is parsed (settingKeys.ts): `config`'s definition needs only the names, and every
 * command line loads that definition.
 */
export const settingNames = ['endpoint', 'app-id', 'device-app-id', 'connector', 'storage'] as const;
export type Key = (typeof settingNames)[number];

export function keyOf(name: string): Key {
  if ((settingNames as readonly string[]).includes(name)) return name as Key;
  throw usageError(`Unknown setting "${name}".`, `Settings: ${settingNames.join(', ')}.`);
}

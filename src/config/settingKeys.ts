import { usageError } from '../io/errors.js';
import { endpointString, parseEndpoint } from './endpoint.js';
import type { Profile } from './profiles.js';
import { parseStorageKind } from './settings.js';
import type { Key } from './settingNames.js';

export type { Key };

/** The settings a profile keeps (never a secret), by their command-line names. */
export const keys = {
  endpoint: { field: 'endpoint', parse: (value: string) => endpointString(parseEndpoint(value)) },
  'app-id': { field: 'appId', parse: (value: string) => nonEmpty(value, 'app-id') },
  'device-app-id': { field: 'deviceAppId', parse: (value: string) => nonEmpty(value, 'device-app-id') },
  connector: { field: 'connector', parse: (value: string) => parseConnector(value) },
  storage: { field: 'storage', parse: (value: string) => parseStorageKind(value, 'storage') },
} as const satisfies Record<Key, { field: keyof Profile; parse: (value: string) => string }>;

function parseConnector(value: string): string {
  const target = value.trim();
  if (target !== 'none' && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(target)) {
    throw usageError(
      `"${value}" is not a connector target.`,
      "Use e.g. huggingface, or none for Logto's own page.",
    );
  }
  return target;
}

function nonEmpty(value: string, name: string): string {
  if (value.trim() === '')
    throw usageError(`${name} cannot be empty.`, `To remove it, run hflogin config unset ${name}.`);
  return value.trim();
}

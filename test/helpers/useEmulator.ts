import { afterAll, beforeAll } from 'vitest';

import { startEmulator, type Emulator } from '../emulator/index.js';

type Overrides = Parameters<typeof startEmulator>[0];

/**
 * The one way a test file gets an emulator: started before the file's tests, closed after them.
 * The returned object is filled in by `beforeAll`, so read its properties inside tests, not at
 * collection time.
 */
export function useEmulator(overrides?: Overrides | (() => Overrides)): Emulator {
  const holder = {} as { current?: Emulator };
  beforeAll(async () => {
    holder.current = await startEmulator(typeof overrides === 'function' ? overrides() : overrides);
  });
  afterAll(async () => {
    await holder.current?.close();
  });
  return new Proxy({} as Emulator, {
    get(_target, property) {
      const emulator = holder.current;
      if (!emulator) throw new Error('useEmulator(): the emulator is read before beforeAll started it');
      const value = Reflect.get(emulator, property, emulator) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(emulator) : value;
    },
  });
}

/** `login` with the emulator's tenant: `hflogin login --endpoint … --app-id … <args>`. */
export function loginArgs(emulator: Pick<Emulator, 'endpoint' | 'appId'>, ...args: string[]): string[] {
  return ['login', ...tenantArgs(emulator), ...args];
}

/** The emulator's tenant as flags, for any command that takes them. */
export function tenantArgs(emulator: Pick<Emulator, 'endpoint' | 'appId'>): string[] {
  return ['--endpoint', emulator.endpoint, '--app-id', emulator.appId];
}

/** `login --device` with the emulator's device-flow app: `hflogin login --device --endpoint … --device-app-id … <args>`. */
export function deviceLoginArgs(
  emulator: Pick<Emulator, 'endpoint' | 'deviceAppId'>,
  ...args: string[]
): string[] {
  return [
    'login',
    '--device',
    '--endpoint',
    emulator.endpoint,
    '--device-app-id',
    emulator.deviceAppId,
    ...args,
  ];
}

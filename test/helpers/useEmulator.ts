import { afterAll, beforeAll } from 'vitest';

import { startEmulator, type Emulator } from '../emulator/index.js';

type Overrides = Parameters<typeof startEmulator>[0];

/**
 * A stand-in for an object a `beforeAll` makes later: set `current` there, and hand `proxy` out at
 * collection time. Reading the proxy before `current` is set throws, naming the fixture.
 */
export function lateBound<T extends object>(fixture: string): { current?: T; proxy: T } {
  const holder: { current?: T; proxy: T } = {
    proxy: new Proxy({} as T, {
      get(_target, property) {
        const value = holder.current;
        if (!value) throw new Error(`${fixture}: read before beforeAll made it`);
        const member = Reflect.get(value, property, value) as unknown;
        return typeof member === 'function'
          ? (member as (...args: unknown[]) => unknown).bind(value)
          : member;
      },
    }),
  };
  return holder;
}

/**
 * The one way a test file gets an emulator: started before the file's tests, closed after them.
 * The returned object is filled in by `beforeAll`, so read its properties inside tests, not at
 * collection time.
 */
export function useEmulator(overrides?: Overrides | (() => Overrides)): Emulator {
  const emulator = lateBound<Emulator>('useEmulator()');
  beforeAll(async () => {
    emulator.current = await startEmulator(typeof overrides === 'function' ? overrides() : overrides);
  });
  afterAll(async () => {
    await emulator.current?.close();
  });
  return emulator.proxy;
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

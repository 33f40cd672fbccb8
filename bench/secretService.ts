// A private Secret Service for the bench's keychain row: a D-Bus session bus of its own that starts
// an unlocked gnome-keyring on demand, as scripts/test.mjs sets one up for the tests (so the bench
// never writes to the developer's own keyring). The bus's address is what hflogin is given.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import { privateHome, writeSecretServiceBus } from '../scripts/secretServiceBus.mjs';

export interface SecretService {
  /** DBUS_SESSION_BUS_ADDRESS of the private bus. */
  address: string;
  close(): void;
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Why no private Secret Service can be started here, or undefined when it can. */
export function secretServiceMissing(): string | undefined {
  const missing = ['dbus-daemon', 'gnome-keyring-daemon'].filter((command) => !has(command));
  if (missing.length) return `${missing.join(' and ')} not found (apt-get install dbus-daemon gnome-keyring)`;
  return undefined;
}

export async function startSecretService(dir: string): Promise<SecretService> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  privateHome(dir, env);
  const config = writeSecretServiceBus(dir);
  const bus: ChildProcess = spawn(
    'dbus-daemon',
    [`--config-file=${config}`, '--nofork', '--print-address=1'],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const address = await new Promise<string>((resolve, reject) => {
    bus.on('error', reject);
    bus.on('exit', (code) => reject(new Error(`dbus-daemon exited ${code}`)));
    createInterface({ input: bus.stdout! }).once('line', resolve);
  });
  return {
    address,
    // gnome-keyring-daemon leaves when its bus goes away.
    close: () => void bus.kill(),
  };
}

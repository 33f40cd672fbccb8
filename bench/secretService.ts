// A private Secret Service for the bench's keychain row: a D-Bus session bus of its own that starts
// an unlocked gnome-keyring on demand, as scripts/test.mjs sets one up for the tests (so the bench
// never writes to the developer's own keyring). The bus's address is what hflogin is given.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

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
  const home = join(dir, 'home');
  const env = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
  };
  mkdirSync(env.XDG_DATA_HOME, { recursive: true });
  mkdirSync(env.XDG_CONFIG_HOME, { recursive: true });
  mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  // The bus starts the keyring through our service files, which feed it a password so the login
  // keyring is created unlocked (no prompt); our service directory comes first, so it wins.
  const services = join(dir, 'services');
  mkdirSync(services, { recursive: true });
  const daemon = join(dir, 'gnome-keyring.sh');
  writeFileSync(
    daemon,
    '#!/bin/sh\nprintf pw | exec gnome-keyring-daemon --foreground --unlock --components=secrets\n',
    { mode: 0o755 },
  );
  for (const name of ['org.freedesktop.secrets', 'org.gnome.keyring'])
    writeFileSync(join(services, `${name}.service`), `[D-BUS Service]\nName=${name}\nExec=${daemon}\n`);
  const config = join(dir, 'session.conf');
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <servicedir>${services}</servicedir>
  <include>/usr/share/dbus-1/session.conf</include>
</busconfig>
`,
  );
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

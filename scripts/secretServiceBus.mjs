// A private D-Bus session bus whose Secret Service is an unlocked gnome-keyring, for the tests
// (scripts/test.mjs) and the bench (bench/secretService.ts): neither ever touches the developer's
// own keyring.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A home of its own under `dir` (HOME and the XDG directories the keyring keeps its files in),
 * set in `env`.
 */
export function privateHome(dir, env) {
  const home = join(dir, 'home');
  env.HOME = home;
  env.XDG_DATA_HOME = join(home, '.local', 'share');
  env.XDG_CONFIG_HOME = join(home, '.config');
  env.XDG_RUNTIME_DIR = join(dir, 'run');
  mkdirSync(env.XDG_DATA_HOME, { recursive: true });
  mkdirSync(env.XDG_CONFIG_HOME, { recursive: true });
  mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
}

/**
 * Writes the bus's configuration under `busDir` and returns its path. The bus starts gnome-keyring
 * on demand through our own service files, which feed it the keyring's password ("pw"): so the
 * login keyring is created unlocked, and if the daemon dies (seen under load in CI), the bus starts
 * it again unlocked, with its items. With the stock service files a restarted daemon came up
 * locked. Each start is appended to `startsLog`, when given.
 */
export function writeSecretServiceBus(busDir, startsLog) {
  const services = join(busDir, 'services');
  mkdirSync(services, { recursive: true });
  const daemon = join(busDir, 'gnome-keyring.sh');
  const logStart = startsLog ? `echo "$(date +%T.%N)" >> '${startsLog}'\n` : '';
  writeFileSync(
    daemon,
    `#!/bin/sh\n${logStart}printf pw | exec gnome-keyring-daemon --foreground --unlock --components=secrets\n`,
    { mode: 0o755 },
  );
  for (const name of ['org.freedesktop.secrets', 'org.gnome.keyring'])
    writeFileSync(join(services, `${name}.service`), `[D-BUS Service]\nName=${name}\nExec=${daemon}\n`);
  // Our service directory first (the first one that has a service wins), then the stock session
  // bus configuration with its limits: without them the bus refused connections mid-run ("maximum
  // number of active connections for UID 0").
  const config = join(busDir, 'session.conf');
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
  return config;
}

// Runs the test suite (vitest) and prints one closing line "tests: N passed, N failed, N skipped".
//
// Where dbus-run-session and gnome-keyring-daemon are installed, the suite runs inside a private
// D-Bus session with a freshly unlocked gnome-keyring and a temporary HOME, so keychain tests talk
// to a real Secret Service and never touch the developer's own keyring. Elsewhere it runs as is
// and the keychain tests skip with their reason (or fail, under HFLOGIN_TEST_STRICT=1).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const passThrough = process.argv.slice(2);
const scratch = mkdtempSync(join(tmpdir(), 'hflogin-test-'));
const report = join(scratch, 'vitest-report.json');
const vitestArgs = [
  vitest,
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...passThrough,
];

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const alreadyInside = process.env.HFLOGIN_TEST_KEYRING === 'gnome-keyring';
const canMakeKeyring =
  !alreadyInside && has('dbus-run-session') && has('gnome-keyring-daemon') && has('secret-tool');

let command;
let args;
let keyringStarts;
const env = { ...process.env };
if (canMakeKeyring) {
  const home = join(scratch, 'home');
  env.HOME = home;
  env.XDG_DATA_HOME = join(home, '.local', 'share');
  env.XDG_CONFIG_HOME = join(home, '.config');
  env.XDG_RUNTIME_DIR = join(scratch, 'run');
  env.HFLOGIN_TEST_KEYRING = 'gnome-keyring';
  spawnSync('mkdir', ['-p', env.XDG_DATA_HOME, env.XDG_CONFIG_HOME, env.XDG_RUNTIME_DIR]);
  spawnSync('chmod', ['700', env.XDG_RUNTIME_DIR]);
  command = 'dbus-run-session';
  // The bus starts gnome-keyring on demand through our own service files, which feed it the
  // keyring's password ("pw"): so the login keyring is created unlocked, and if the daemon dies
  // mid-run (seen under load in CI), the bus starts it again unlocked, with its items. With the
  // stock service files a restarted daemon came up locked, and every later keychain test failed
  // with "unlock prompt was dismissed". Each start is logged, and counted at the end.
  const bus = join(scratch, 'dbus');
  const services = join(bus, 'services');
  keyringStarts = join(bus, 'keyring-starts.log');
  mkdirSync(services, { recursive: true });
  const daemon = join(bus, 'gnome-keyring.sh');
  writeFileSync(
    daemon,
    `#!/bin/sh\necho "$(date +%T.%N)" >> '${keyringStarts}'\nprintf pw | exec gnome-keyring-daemon --foreground --unlock --components=secrets\n`,
    { mode: 0o755 },
  );
  for (const name of ['org.freedesktop.secrets', 'org.gnome.keyring'])
    writeFileSync(join(services, `${name}.service`), `[D-BUS Service]\nName=${name}\nExec=${daemon}\n`);
  // Our service directory first (the first one that has a service wins), then the stock session
  // bus configuration with its limits: without them the bus refused connections mid-run ("maximum
  // number of active connections for UID 0").
  const config = join(bus, 'session.conf');
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
  // The keyring must prove it works before any test runs: store and clear a probe entry (which
  // starts the daemon), retrying a few times on a slow start.
  const ready = [
    'for attempt in 1 2 3 4 5; do',
    '  if printf probe | secret-tool store --label=hflogin-test-probe service hflogin-test-probe account ready 2>/dev/null',
    '    then secret-tool clear service hflogin-test-probe account ready; break; fi',
    '  echo "[test] the keyring is not usable yet (attempt $attempt)" >&2',
    '  sleep 1',
    'done',
    'exec "$@"',
  ].join('\n');
  args = [`--config-file=${config}`, '--', 'bash', '-c', ready, 'bash', process.execPath, ...vitestArgs];
  console.error('[test] running inside a private D-Bus session with an unlocked gnome-keyring');
} else {
  command = process.execPath;
  args = vitestArgs;
  if (!alreadyInside)
    console.error('[test] no dbus-run-session/gnome-keyring-daemon: keychain tests will skip');
}

const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
const code = await new Promise((resolve) =>
  child.on('close', (status, signal) => resolve(status ?? (signal ? 1 : 0))),
);

let summary = 'tests: 0 passed, 0 failed';
try {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = result.numPendingTests + result.numTodoTests;
  summary = `tests: ${result.numPassedTests} passed, ${result.numFailedTests} failed, ${skipped} skipped`;
  if (result.numFailedTestSuites > 0 && result.numFailedTests === 0) {
    summary = `tests: ${result.numPassedTests} passed, ${result.numFailedTestSuites} failed, ${skipped} skipped`;
  }
} catch {
  // No report: vitest failed before running anything; the exit code says so.
}
if (keyringStarts && existsSync(keyringStarts)) {
  const starts = readFileSync(keyringStarts, 'utf8').trim().split('\n').length;
  if (starts > 1)
    console.error(`[test] gnome-keyring-daemon was started ${starts} times (it died and came back unlocked)`);
}
rmSync(scratch, { recursive: true, force: true });
console.log(summary);
process.exit(code);

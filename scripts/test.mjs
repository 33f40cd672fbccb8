// Runs the test suite (vitest) and prints one closing line "tests: N passed, N failed, N skipped".
//
// Where dbus-run-session and gnome-keyring-daemon are installed, the suite runs inside a private
// D-Bus session with a freshly unlocked gnome-keyring and a temporary HOME, so keychain tests talk
// to a real Secret Service and never touch the developer's own keyring. Elsewhere it runs as is
// and the keychain tests skip with their reason (or fail, under HFLOGIN_TEST_STRICT=1).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  // The daemon prints GNOME_KEYRING_CONTROL=… lines; eval exports them. "pw" unlocks (and on a new
  // HOME creates) the login keyring, which becomes the default collection. Then the keyring must
  // prove it works before any test runs: on a loaded machine the first unlock was once not done
  // when the tests began, and every keychain test then met a locked keyring ("unlock prompt was
  // dismissed"). So: store and clear a probe entry, unlocking again (up to 5 times) until it works.
  const ready = [
    'eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"',
    'for attempt in 1 2 3 4 5; do',
    '  if printf probe | secret-tool store --label=hflogin-test-probe service hflogin-test-probe account ready 2>/dev/null',
    '    then secret-tool clear service hflogin-test-probe account ready; break; fi',
    '  echo "[test] the keyring is not usable yet (attempt $attempt); unlocking it again" >&2',
    '  sleep 1',
    '  printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
    'done',
    'exec "$@"',
  ].join('\n');
  args = ['--', 'bash', '-c', ready, 'bash', process.execPath, ...vitestArgs];
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
rmSync(scratch, { recursive: true, force: true });
console.log(summary);
process.exit(code);

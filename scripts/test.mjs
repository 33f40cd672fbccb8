// Runs the test suite (vitest) tier by tier, prints each tier's count and time, and ends with one
// closing line "tests: N passed, N failed, N skipped" (the totals; CI greps it).
//
// Tiers (vitest.config.ts projects):
// - in-process: test/unit and test/inprocess. Nothing spawned, no system piece: it runs without a
//   D-Bus session and with an empty HOME, so a test that reached for the real keychain would fail.
//   It runs with v8 coverage of src/ and prints the summary; a full run fails under 85% of lines.
// - conformance: the emulator's own tests (test/conformance).
// - e2e: the built binary with Chromium, gnome-keyring and tmux (test/e2e).
//
// Where dbus-run-session and gnome-keyring-daemon are installed, the conformance and e2e tiers each
// run inside a private D-Bus session with a freshly unlocked gnome-keyring and a temporary HOME, so
// keychain tests talk to a real Secret Service and never touch the developer's own keyring.
// Elsewhere they run as they are, and the keychain tests skip with their reason (or fail, under
// HFLOGIN_TEST_STRICT=1).
//
// Arguments pass through to vitest. A path under a tier's directories selects that tier
// (`node scripts/test.mjs test/unit/config.test.ts` runs the in-process tier on that file only);
// `--config <file>` runs that configuration as one tier (scripts/test-logto.mjs does).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { privateHome, writeSecretServiceBus } from './secretServiceBus.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const passThrough = process.argv.slice(2);
const scratch = mkdtempSync(join(tmpdir(), 'hflogin-test-'));
/** Lines of src/ the in-process tier must cover on its own (a full run only). */
const coverageFloor = 85;

const allTiers = [
  { name: 'in-process', dirs: ['test/unit', 'test/inprocess'], coverage: true, keyring: false },
  { name: 'conformance', dirs: ['test/conformance'], coverage: false, keyring: true },
  { name: 'e2e', dirs: ['test/e2e'], coverage: false, keyring: true },
];

/** A positional argument as a path relative to the repository, or undefined for an option. */
function asPath(arg) {
  if (arg.startsWith('-')) return undefined;
  const path = isAbsolute(arg) ? relative(root, arg) : relative(root, join(process.cwd(), arg));
  return path.split('\\').join('/');
}
const tierOf = (path) =>
  allTiers.find((tier) => tier.dirs.some((dir) => path === dir || path.startsWith(`${dir}/`)));

/** The tiers to run, each with its vitest arguments. */
function plan() {
  const config = passThrough.find(
    (arg, index) => arg.startsWith('--config=') || passThrough[index - 1] === '--config',
  );
  if (config !== undefined) {
    // vitest.logto.config.ts runs as the tier "logto".
    const name = config
      .replace(/^--config=/, '')
      .replace(/^.*\//, '')
      .replace(/^vitest\.|\.?config\.[cm]?[jt]s$/g, '');
    return [{ name: name || 'tests', coverage: false, keyring: true, args: passThrough }];
  }
  const attributed = new Map();
  let unattributed = false;
  for (const arg of passThrough) {
    const path = asPath(arg);
    if (path === undefined) continue;
    const tier = tierOf(path);
    if (tier) attributed.set(arg, tier);
    else unattributed = true;
  }
  const selected =
    attributed.size === 0 || unattributed
      ? allTiers
      : allTiers.filter((tier) => [...attributed.values()].includes(tier));
  return selected.map((tier) => ({
    ...tier,
    args: [
      '--project',
      tier.name,
      ...passThrough.filter((arg) => !attributed.has(arg) || attributed.get(arg) === tier),
      // A filter that names no file of this tier: the tier has nothing to run, which is fine.
      ...(unattributed ? ['--passWithNoTests'] : []),
    ],
  }));
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const alreadyInside = process.env.HFLOGIN_TEST_KEYRING === 'gnome-keyring';
const canMakeKeyring =
  !alreadyInside && has('dbus-run-session') && has('gnome-keyring-daemon') && has('secret-tool');

/**
 * The command that runs `argv` inside a private D-Bus session with an unlocked gnome-keyring, and
 * the log its keyring starts are counted in.
 */
function insideKeyring(dir, env, argv) {
  privateHome(dir, env);
  env.HFLOGIN_TEST_KEYRING = 'gnome-keyring';
  // Each start of the keyring daemon is logged, and counted at the end.
  const bus = join(dir, 'dbus');
  const keyringStarts = join(bus, 'keyring-starts.log');
  const config = writeSecretServiceBus(bus, keyringStarts);
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
  return {
    command: 'dbus-run-session',
    args: [`--config-file=${config}`, '--', 'bash', '-c', ready, 'bash', ...argv],
    keyringStarts,
  };
}

/** Where test/helpers/hostile.ts counts the hostile inputs tried, across every tier and worker. */
const hostileLog = join(scratch, 'hostile.log');

let child;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    stopping = true;
    child?.kill(signal);
  });

/** Runs one tier; resolves with its exit code, counts, time and (in-process) lines covered. */
async function runTier(tier) {
  const dir = join(scratch, tier.name);
  mkdirSync(dir, { recursive: true });
  const report = join(dir, 'vitest-report.json');
  const coverageDir = join(dir, 'coverage');
  const wholeTier = passThrough.length === 0;
  const argv = [
    vitest,
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...(tier.coverage
      ? [
          '--coverage.enabled',
          `--coverage.reportsDirectory=${coverageDir}`,
          ...(wholeTier ? [`--coverage.thresholds.lines=${coverageFloor}`] : []),
        ]
      : []),
    ...tier.args,
  ];
  const env = { ...process.env, HFLOGIN_HOSTILE_LOG: hostileLog };
  let command = process.execPath;
  let args = argv;
  let keyringStarts;
  if (!tier.keyring) {
    // No system piece: no session bus to find a keyring on, and a HOME of its own.
    delete env.DBUS_SESSION_BUS_ADDRESS;
    env.HOME = join(dir, 'home');
    mkdirSync(env.HOME);
  } else if (canMakeKeyring) {
    ({ command, args, keyringStarts } = insideKeyring(dir, env, [process.execPath, ...argv]));
    console.error(`[test] ${tier.name}: inside a private D-Bus session with an unlocked gnome-keyring`);
  } else if (!alreadyInside) {
    console.error(`[test] ${tier.name}: no dbus-run-session/gnome-keyring-daemon: keychain tests will skip`);
  }

  const started = process.hrtime.bigint();
  child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
  const code = await new Promise((resolve) =>
    child.on('close', (status, signal) => resolve(status ?? (signal ? 1 : 0))),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const result = { name: tier.name, code, passed: 0, failed: 0, skipped: 0, seconds, lines: undefined };
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    result.passed = json.numPassedTests;
    result.skipped = json.numPendingTests + json.numTodoTests;
    // A file that failed before its tests ran counts as one failure.
    result.failed =
      json.numFailedTests === 0 && json.numFailedTestSuites > 0
        ? json.numFailedTestSuites
        : json.numFailedTests;
  } catch {
    // No report: vitest failed before running anything; the exit code says so.
  }
  // Every test passed but vitest still failed (an unhandled error, a coverage floor): the table
  // must not say 0 failed.
  if (code !== 0 && result.failed === 0) {
    result.failed = 1;
    console.error(
      `[test] ${tier.name}: vitest exited ${code} although no test failed (see its errors above)`,
    );
  }
  try {
    result.lines = JSON.parse(
      readFileSync(join(coverageDir, 'coverage-summary.json'), 'utf8'),
    ).total.lines.pct;
  } catch {
    // No coverage (not this tier, or the run failed early).
  }
  if (keyringStarts && existsSync(keyringStarts)) {
    const starts = readFileSync(keyringStarts, 'utf8').trim().split('\n').length;
    if (starts > 1)
      console.error(
        `[test] gnome-keyring-daemon was started ${starts} times (it died and came back unlocked)`,
      );
  }
  const coverage = result.lines === undefined ? '' : `; src/ lines covered: ${result.lines}%`;
  console.log(
    `[tier] ${tier.name}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped in ${seconds.toFixed(1)} s${coverage}`,
  );
  return result;
}

const results = [];
for (const tier of plan()) {
  if (stopping) break;
  results.push(await runTier(tier));
}
const hostile = existsSync(hostileLog)
  ? readFileSync(hostileLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
  : [];
rmSync(scratch, { recursive: true, force: true });

const pad = (text, width) => String(text).padStart(width);
console.log('');
console.log(
  `${'tier'.padEnd(12)} ${pad('passed', 7)} ${pad('failed', 7)} ${pad('skipped', 8)} ${pad('time', 8)}  coverage`,
);
for (const result of results)
  console.log(
    `${result.name.padEnd(12)} ${pad(result.passed, 7)} ${pad(result.failed, 7)} ${pad(result.skipped, 8)} ${pad(`${result.seconds.toFixed(1)} s`, 8)}  ${result.lines === undefined ? '' : `lines ${result.lines}%`}`.trimEnd(),
  );
const sum = (key) => results.reduce((total, result) => total + result[key], 0);
if (hostile.length > 0) {
  const accepted = hostile.filter((entry) => !entry.refused);
  console.log(
    `${hostile.length} hostile inputs tried, ${accepted.length} accepted${accepted.length ? `: ${accepted.map((entry) => entry.name).join('; ')}` : ''}`,
  );
}
console.log(`tests: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
process.exit(results.find((result) => result.code !== 0)?.code ?? (stopping ? 130 : 0));

// `npm run bench`: hflogin's start-up as one table — command × (this machine's Node, Node 24, Node 26,
// the single binary) — each cell the median wall time of the whole process and its ratio to
// `node -e 0` measured in the same run on the same Node, samples alternated (same machine load).
// The single binary's ratio is to `node -e 0` of the Node it was built from (this one).
// Every process runs with NODE_OPTIONS, NODE_EXTRA_CA_CERTS and the compile-cache variables removed
// (what a user without them sees); then the table once more with NODE_EXTRA_CA_CERTS set to the
// system CA bundle (what corporate machines see: Node parses the whole bundle at every start).
// Then peak RSS of `token`, the login overheads, the installed footprint, and the issue's goals.
//   HFLOGIN_BENCH_RUNS=N         samples per cell (default 20)
//   HFLOGIN_BENCH_BINARY=path    measure that single binary instead of building one
// Needs a build (npm run bench builds first). Node 24 and 26 are installed into .tmp/ from the npm
// registry on first use; `gh auth token` is measured when gh is installed (apt-get install gh); the
// keychain row needs dbus-daemon and gnome-keyring (a private, unlocked keyring is started).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startEmulator } from '../test/emulator/index.js';
import { footprint, installTarball, packTarball } from '../test/helpers/footprint.js';
import { browseToCallback } from '../test/helpers/httpUserAgent.js';
import { seedSignedInSession } from '../test/helpers/seedSession.js';
import {
  gnuTimeMissing,
  median,
  pairedRss,
  pairedWithFloor,
  timeProcess,
  type Command,
  type Paired,
} from './measure.js';
import { runtimes } from './runtimes.js';
import { secretServiceMissing, startSecretService } from './secretService.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.HFLOGIN_BENCH_RUNS ?? 20);
const caBundle = '/etc/ssl/certs/ca-certificates.crt';
const scratch = mkdtempSync(join(tmpdir(), 'hflogin-bench-'));
const log = (line: string) => console.error(`[bench] ${line}`);

// The entry package.json installs as the `hflogin` command, whatever it is today.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
};
const entry = resolve(root, pkg.bin.hflogin!);

/** A column: how to start `node -e 0` and hflogin on it. */
interface Column {
  label: string;
  floor: Command;
  hflogin(args: string[]): Command;
  /** Which Node major the issue's goals look at, for a Node column. */
  major?: number;
}

const { found, missing: missingRuntimes } = runtimes(root);
const columns: Column[] = found.map((runtime) => ({
  label: runtime.label,
  floor: { file: runtime.node, args: ['-e', '0'] },
  hflogin: (args) => ({ file: runtime.node, args: [entry, ...args] }),
  major: Number(runtime.label.replace(/^Node /, '').split('.')[0]),
}));

let binaryMissing: string | undefined;
let binary = process.env.HFLOGIN_BENCH_BINARY;
if (binary === undefined) {
  log('npm run build:binary');
  try {
    execFileSync(process.execPath, ['scripts/build-binary.mjs'], { cwd: root, stdio: 'pipe' });
    binary = join(root, 'dist', `hflogin-${process.platform}-${process.arch}`);
  } catch (error) {
    binaryMissing = `build:binary failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
}
if (binary !== undefined) {
  const file = resolve(binary);
  columns.push({
    label: `binary (Node ${process.versions.node})`,
    floor: { file: process.execPath, args: ['-e', '0'] },
    hflogin: (args) => ({ file, args }),
  });
}

// A signed-in profile in file storage, and one in the keychain, against the emulator: each in a
// configuration directory of its own (`status` reads every profile of its directory).
const emulator = await startEmulator();
const configDir = join(scratch, 'config');
const keychainConfigDir = join(scratch, 'config-keychain');
await seedSignedInSession(emulator, { configDir, profile: 'bench', storage: 'file' });

let keychainMissing = secretServiceMissing();
const secretService = keychainMissing ? undefined : await startSecretService(join(scratch, 'keyring'));
if (secretService) {
  // The keychain library reads the bus address from this process's environment.
  process.env.DBUS_SESSION_BUS_ADDRESS = secretService.address;
  try {
    await seedSignedInSession(emulator, {
      configDir: keychainConfigDir,
      profile: 'bench',
      storage: 'keychain',
    });
  } catch (error) {
    keychainMissing = `the private Secret Service did not work: ${error instanceof Error ? error.message : String(error)}`;
  }
}

// gh, offline: a throw-away config directory whose hosts.yml holds a fake token for github.com.
const ghPath = ['/usr/bin/gh', '/usr/local/bin/gh'].find((path) => existsSync(path));
const ghMissing = ghPath ? undefined : 'gh not installed (apt-get install gh)';
const ghConfig = join(scratch, 'gh');
mkdirSync(ghConfig, { recursive: true });
writeFileSync(
  join(ghConfig, 'hosts.yml'),
  'github.com:\n    oauth_token: gho_bench000000000000000000000000000000\n    user: bench\n    git_protocol: https\n',
);

/** The environment every process runs in: the user's, less what changes Node's start-up. */
function cleanEnvironment(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(NODE_OPTIONS|NODE_EXTRA_CA_CERTS|NODE_COMPILE_CACHE|NODE_DISABLE_COMPILE_CACHE)$/.test(name))
      continue;
    if (/^(HFLOGIN_|GH_|GITHUB_TOKEN$)/.test(name)) continue;
    env[name] = value;
  }
  return {
    ...env,
    HFLOGIN_CONFIG_DIR: configDir,
    HFLOGIN_PROFILE: 'bench',
    NO_COLOR: '1',
    BROWSER: '',
    // The single binary extracts its keychain addon here, not into the developer's cache.
    XDG_CACHE_HOME: join(scratch, 'cache'),
    GH_CONFIG_DIR: ghConfig,
    ...(secretService ? { DBUS_SESSION_BUS_ADDRESS: secretService.address } : {}),
    ...extra,
  };
}

interface Row {
  key: string;
  name: string;
  command(column: Column): Command;
  /** The row's own environment (its configuration directory). */
  env?: NodeJS.ProcessEnv;
  skip?: string;
}

const rows: Row[] = [
  { key: 'version', name: '`hflogin --version`', command: (c) => c.hflogin(['--version']) },
  { key: 'help', name: '`hflogin --help`', command: (c) => c.hflogin(['--help']) },
  { key: 'token', name: '`hflogin token` (file storage)', command: (c) => c.hflogin(['token']) },
  { key: 'status', name: '`hflogin status` (file storage)', command: (c) => c.hflogin(['status']) },
  {
    key: 'keychainToken',
    name: '`hflogin token` (keychain: Secret Service)',
    command: (c) => c.hflogin(['token']),
    env: { HFLOGIN_CONFIG_DIR: keychainConfigDir },
    skip: keychainMissing,
  },
  {
    key: 'whoami',
    name: '`hflogin whoami --json` (emulator)',
    command: (c) => c.hflogin(['whoami', '--json']),
  },
  {
    key: 'gh',
    name: '`gh auth token` (Go, offline)',
    command: () => ({ file: ghPath ?? 'gh', args: ['auth', 'token'] }),
    skip: ghMissing,
  },
];

type Table = Map<string, Map<string, Paired>>;

async function measureTable(title: string, extra: NodeJS.ProcessEnv): Promise<Table> {
  const table: Table = new Map();
  for (const column of columns) {
    const cells = new Map<string, Paired>();
    table.set(column.label, cells);
    for (const row of rows) {
      if (row.skip) continue;
      log(`${title} · ${column.label} · ${row.name}`);
      const env = cleanEnvironment({ ...extra, ...row.env });
      cells.set(row.key, await pairedWithFloor(column.floor, row.command(column), env, runs));
    }
  }
  return table;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const times = (value: number) => `${value.toFixed(2)}×`;

function printTable(title: string, table: Table): void {
  const header = [title, ...columns.map((column) => column.label)];
  const lines: string[][] = [];
  lines.push([
    '`node -e 0` (the floor)',
    ...columns.map((column) => {
      const floors = [...table.get(column.label)!.values()].flatMap((cell) => cell.floorSamples);
      const floor = ms(median(floors));
      return column.major === undefined ? `(${floor}: its Node's)` : floor;
    }),
  ]);
  for (const row of rows) {
    if (row.skip) {
      lines.push([row.name, `skipped: ${row.skip}`, ...columns.slice(1).map(() => '')]);
      continue;
    }
    lines.push([
      row.name,
      ...columns.map((column) => {
        const cell = table.get(column.label)!.get(row.key)!;
        return `${ms(cell.command)}, ${times(cell.ratio)}`;
      }),
    ]);
  }
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(format(header));
  console.log(`| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`);
  for (const line of lines) console.log(format(line));
}

const started = Date.now();
const clean = await measureTable('clean', {});
const withCa = existsSync(caBundle)
  ? await measureTable('NODE_EXTRA_CA_CERTS', { NODE_EXTRA_CA_CERTS: caBundle })
  : undefined;

// Peak RSS of `token` against `node -e 0`, per column.
const rssMissing = gnuTimeMissing();
const rss = new Map<string, ReturnType<typeof pairedRss>>();
if (!rssMissing) {
  for (const column of columns) {
    log(`peak RSS · ${column.label}`);
    rss.set(
      column.label,
      pairedRss(
        column.floor,
        column.hflogin(['token']),
        cleanEnvironment({}),
        Math.max(5, Math.floor(runs / 3)),
      ),
    );
  }
}

/** Login on this machine's Node: process start → sign-in URL printed, and callback received → exit. */
async function loginOnce(env: NodeJS.ProcessEnv): Promise<{ toUrl: number; callbackToExit: number }> {
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [
      entry,
      'login',
      '--endpoint',
      emulator.endpoint,
      '--app-id',
      emulator.appId,
      '--storage',
      'file',
      '--no-browser',
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let stderr = '';
  const url = await new Promise<string>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /^ {2}(http\S+\/oidc\/auth\?\S+)$/m.exec(stderr);
      if (match) resolve(match[1]!);
    });
  });
  const toUrl = Number(process.hrtime.bigint() - started) / 1e6;
  const callback = await browseToCallback(url);
  const callbackSent = process.hrtime.bigint();
  await fetch(callback);
  const code = await exited;
  if (code !== 0) throw new Error(`login exited ${code}: ${stderr}`);
  return { toUrl, callbackToExit: Number(process.hrtime.bigint() - callbackSent) / 1e6 };
}

log('login overheads');
const loginEnv = cleanEnvironment({ HFLOGIN_CONFIG_DIR: join(scratch, 'config-login') });
const loginFloor: number[] = [];
const toUrl: number[] = [];
const callbackToExit: number[] = [];
for (let i = 0; i < Math.max(5, Math.floor(runs / 2)); i += 1) {
  loginFloor.push(await timeProcess(columns[0]!.floor, loginEnv));
  const sample = await loginOnce(loginEnv);
  toUrl.push(sample.toUrl);
  callbackToExit.push(sample.callbackToExit);
}
await emulator.close();
secretService?.close();

/** What `npx hflogin` downloads: the packed tarball installed into an empty prefix. */
log('installed footprint');
let installed = 'unavailable (needs the npm registry)';
let installedOk = false;
try {
  const prefix = installTarball(packTarball().tarball);
  const { packages, bytes } = footprint(join(prefix, 'node_modules'));
  installed = `${(bytes / 1024 / 1024).toFixed(2)} MB in ${packages.length} packages (${packages.join(', ')})`;
  installedOk = bytes <= 6 * 1024 * 1024 && packages.length <= 5;
} catch (error) {
  installed += `: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
}
rmSync(scratch, { recursive: true, force: true });

const cpu = cpus();
console.log(
  `hflogin bench — ${new Date().toISOString().slice(0, 10)}, ${cpu.length}× ${cpu[0]?.model.trim() ?? 'cpu'}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, ${runs} samples per cell (medians), ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
console.log(
  `hflogin runs as \`node ${pkg.bin.hflogin} …\` (package.json "bin"); the binary is ${binary ?? `missing: ${binaryMissing}`}`,
);
for (const runtime of missingRuntimes) console.log(`${runtime.label}: ${runtime.reason}`);
console.log('');
printTable('clean environment (no NODE_OPTIONS, no NODE_EXTRA_CA_CERTS)', clean);
console.log('');
if (withCa) printTable(`NODE_EXTRA_CA_CERTS=${caBundle}`, withCa);
else console.log(`NODE_EXTRA_CA_CERTS table skipped: ${caBundle} not found`);
console.log('');
if (rssMissing) console.log(`peak RSS skipped: ${rssMissing}`);
else {
  console.log(
    "peak RSS (GNU time %M: the measured process's own ru_maxrss), `hflogin token` vs `node -e 0`, clean:",
  );
  for (const [label, result] of rss)
    console.log(
      `  ${label}: ${(result.command / 1024).toFixed(1)} MiB vs ${(result.floor / 1024).toFixed(1)} MiB, ${times(result.ratio)}`,
    );
}
const floor = median(loginFloor);
const overhead = median(toUrl) - floor;
const exit = median(callbackToExit);
console.log(
  `login (${columns[0]!.label}, clean): start → sign-in URL printed, above the floor: ${ms(overhead)}; callback received → exit: ${ms(exit)}`,
);
console.log(`installed footprint: ${installed}`);

// The issue's goals, on the clean table, for Node 20 and Node 24.
const goalColumns = columns.filter((column) => column.major === 20 || column.major === 24);
const goals: Array<{ goal: string; met: boolean | undefined; detail: string }> = [];
function ratioGoal(key: string, name: string, limit: number) {
  const row = rows.find((candidate) => candidate.key === key)!;
  if (row.skip)
    return goals.push({ goal: `${name} ≤ ${limit}×`, met: undefined, detail: `skipped: ${row.skip}` });
  const cells = goalColumns.map((column) => ({ column, cell: clean.get(column.label)!.get(key)! }));
  goals.push({
    goal: `${name} ≤ ${limit}×`,
    met: cells.every(({ cell }) => cell.ratio <= limit),
    detail: cells.map(({ column, cell }) => `${column.label}: ${times(cell.ratio)}`).join(', '),
  });
}
ratioGoal('token', '`token`, file storage', 1.5);
ratioGoal('status', '`status`, file storage', 1.5);
ratioGoal('keychainToken', '`token`, keychain', 1.8);
ratioGoal('version', '`--version`', 1.25);
ratioGoal('help', '`--help`', 1.5);
ratioGoal('whoami', '`whoami --json`', 2);
if (ghMissing)
  goals.push({
    goal: '`token` faster than `gh auth token`',
    met: undefined,
    detail: `skipped: ${ghMissing}`,
  });
else {
  const cells = goalColumns.map((column) => ({
    column,
    token: clean.get(column.label)!.get('token')!,
    gh: clean.get(column.label)!.get('gh')!,
  }));
  goals.push({
    goal: '`token` faster than `gh auth token`',
    met: cells.every(({ token, gh }) => token.command < gh.command),
    detail: cells
      .map(({ column, token, gh }) => `${column.label}: ${ms(token.command)} vs ${ms(gh.command)}`)
      .join(', '),
  });
}
if (rssMissing)
  goals.push({ goal: 'peak RSS of `token` ≤ 1.15×', met: undefined, detail: `skipped: ${rssMissing}` });
else {
  const cells = goalColumns.map((column) => ({ column, result: rss.get(column.label)! }));
  goals.push({
    goal: 'peak RSS of `token` ≤ 1.15×',
    met: cells.every(({ result }) => result.ratio <= 1.15),
    detail: cells.map(({ column, result }) => `${column.label}: ${times(result.ratio)}`).join(', '),
  });
}
goals.push({
  goal: 'login: start → sign-in URL ≤ 150 ms above the floor',
  met: overhead <= 150,
  detail: ms(overhead),
});
goals.push({ goal: 'login: callback received → exit ≤ 100 ms', met: exit <= 100, detail: ms(exit) });
goals.push({
  goal: 'installed footprint ≤ 6 MB, ≤ 5 packages',
  met: installedOk ? true : installed.startsWith('unavailable') ? undefined : false,
  detail: installed.split(' (')[0]!,
});

console.log('');
console.log(`goals (clean environment; ${goalColumns.map((column) => column.label).join(' and ')}):`);
for (const { goal, met, detail } of goals)
  console.log(`  ${met === undefined ? 'SKIPPED' : met ? 'met    ' : 'MISSED '} ${goal} — ${detail}`);

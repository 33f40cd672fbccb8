// `npm run bench`: hflogin's start-up and sign-in overheads, as medians and as ratios to `node -e 0`
// measured in the same run (so the machine's speed cancels out). Needs a build (npm run build).
//   HFLOGIN_BENCH_RUNS=N   samples per measurement (default 25)
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startEmulator } from '../test/emulator/index.js';
import { footprint, installTarball, packTarball } from '../test/helpers/footprint.js';
import { browseToCallback } from '../test/helpers/httpUserAgent.js';
import { seedSignedInSession } from '../test/helpers/seedSession.js';

const bin = fileURLToPath(new URL('../bin/hflogin.js', import.meta.url));
const runs = Number(process.env.HFLOGIN_BENCH_RUNS ?? 25);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Wall time of one process, spawn to exit, in ms. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

/** Alternates the floor and the command, so both see the same machine load. */
async function ratioTo(floorArgs: string[], args: string[], env: NodeJS.ProcessEnv) {
  const floor: number[] = [];
  const command: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    floor.push(await timeProcess(floorArgs, env));
    command.push(await timeProcess(args, env));
  }
  return { floor: median(floor), command: median(command), ratio: median(command) / median(floor) };
}

const emulator = await startEmulator();
const configDir = mkdtempSync(join(tmpdir(), 'hflogin-bench-'));
const env = {
  ...process.env,
  HFLOGIN_CONFIG_DIR: configDir,
  HFLOGIN_PROFILE: 'bench',
  NO_COLOR: '1',
  BROWSER: '',
};
await seedSignedInSession(emulator, { configDir, profile: 'bench', storage: 'file' });

const floorArgs = ['-e', '0'];
const results: Array<{ name: string; goal: number; floor: number; command: number; ratio: number }> = [];
for (const [name, args, goal] of [
  ['hflogin --version', [bin, '--version'], 1.25],
  ['hflogin --help', [bin, '--help'], 1.35],
  ['hflogin whoami --json (valid session, emulator)', [bin, 'whoami', '--json'], 1.6],
] as const) {
  results.push({ name, goal, ...(await ratioTo(floorArgs, [...args], env)) });
}

/** Login: process start → sign-in URL printed, and callback received → process exit. */
async function loginOnce(): Promise<{ toUrl: number; callbackToExit: number }> {
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [
      bin,
      'login',
      '--endpoint',
      emulator.endpoint,
      '--app-id',
      emulator.appId,
      '--storage',
      'file',
      '--no-browser',
    ],
    {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let stderr = '';
  const url = await new Promise<string>((resolve) => {
    child.stderr!.on('data', (chunk: Buffer) => {
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

const floorSamples: number[] = [];
const toUrl: number[] = [];
const callbackToExit: number[] = [];
for (let i = 0; i < Math.max(5, Math.floor(runs / 2)); i += 1) {
  floorSamples.push(await timeProcess(floorArgs, env));
  const sample = await loginOnce();
  toUrl.push(sample.toUrl);
  callbackToExit.push(sample.callbackToExit);
}
await emulator.close();

/** What `npx hflogin` downloads: the packed tarball installed into an empty prefix. */
let installed = 'unavailable (needs the npm registry)';
try {
  const prefix = installTarball(packTarball().tarball);
  const { packages, bytes } = footprint(join(prefix, 'node_modules'));
  installed = `${(bytes / 1024 / 1024).toFixed(2)} MB in ${packages.length} packages (${packages.join(', ')})`;
} catch (error) {
  installed += `: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
}

const floor = median(floorSamples);
const pad = (text: string, width: number) => text.padEnd(width);
console.log(
  `hflogin bench — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, ${runs} runs`,
);
console.log(`node -e 0 floor: ${floor.toFixed(1)} ms (median)`);
console.log(pad('measurement', 52), pad('median', 10), pad('ratio', 8), 'goal');
for (const result of results) {
  const ok = result.ratio <= result.goal ? 'ok' : 'MISSED';
  console.log(
    pad(result.name, 52),
    pad(`${result.command.toFixed(1)} ms`, 10),
    pad(`${result.ratio.toFixed(2)}×`, 8),
    `≤ ${result.goal}× ${ok}`,
  );
}
const overhead = median(toUrl) - floor;
console.log(
  pad('login: start → sign-in URL printed, above the floor', 52),
  pad(`${overhead.toFixed(1)} ms`, 10),
  pad('', 8),
  `≤ 150 ms ${overhead <= 150 ? 'ok' : 'MISSED'}`,
);
const exit = median(callbackToExit);
console.log(
  pad('login: callback received → process exit', 52),
  pad(`${exit.toFixed(1)} ms`, 10),
  pad('', 8),
  `≤ 100 ms ${exit <= 100 ? 'ok' : 'MISSED'}`,
);
console.log(`installed footprint (goal ≤ 6 MB, ≤ 5 packages): ${installed}`);

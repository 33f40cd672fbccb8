// Timing and memory of whole processes, as the bench reports them.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A process to run: the executable and its arguments. */
export interface Command {
  file: string;
  args: string[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Wall time of one process, spawn to exit, in ms; a non-zero exit is an error (the bench is wrong). */
export function timeProcess(command: Command, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command.file, command.args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0)
        reject(new Error(`${[command.file, ...command.args].join(' ')} exited ${code}: ${stderr.trim()}`));
      else resolve(elapsed);
    });
  });
}

export interface Paired {
  /** Median of the floor's samples, ms. */
  floor: number;
  /** Median of the command's samples, ms. */
  command: number;
  ratio: number;
  floorSamples: number[];
}

/**
 * Alternates the floor and the command, so both see the same machine load; one discarded round
 * first, which fills Node's compile cache and starts whatever the command talks to.
 */
export async function pairedWithFloor(
  floor: Command,
  command: Command,
  env: NodeJS.ProcessEnv,
  runs: number,
): Promise<Paired> {
  await timeProcess(floor, env);
  await timeProcess(command, env);
  const floorSamples: number[] = [];
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    floorSamples.push(await timeProcess(floor, env));
    samples.push(await timeProcess(command, env));
  }
  return {
    floor: median(floorSamples),
    command: median(samples),
    ratio: median(samples) / median(floorSamples),
    floorSamples,
  };
}

/**
 * Peak resident set size of one process, in KiB, from GNU time's `%M`: the kernel's ru_maxrss of
 * the child it waited for (the measured process itself, not time nor this bench). Undefined where
 * /usr/bin/time is not GNU time.
 */
export const gnuTime = '/usr/bin/time';
export function gnuTimeMissing(): string | undefined {
  if (!existsSync(gnuTime)) return `${gnuTime} not found (apt-get install time)`;
  const probe = spawnSync(gnuTime, ['-f', '%M', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0 || !/^\d+\s*$/.test(probe.stderr)) return `${gnuTime} is not GNU time`;
  return undefined;
}

export function peakRss(command: Command, env: NodeJS.ProcessEnv): number {
  const dir = mkdtempSync(join(tmpdir(), 'hflogin-bench-rss-'));
  const out = join(dir, 'rss');
  try {
    const result = spawnSync(gnuTime, ['-f', '%M', '-o', out, command.file, ...command.args], {
      env,
      stdio: 'ignore',
    });
    if (result.status !== 0)
      throw new Error(`${command.file} ${command.args.join(' ')} exited ${result.status}`);
    return Number(readFileSync(out, 'utf8').trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Peak RSS of the floor and of the command, alternated, as medians in KiB. */
export function pairedRss(floor: Command, command: Command, env: NodeJS.ProcessEnv, runs: number) {
  const floorSamples: number[] = [];
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    floorSamples.push(peakRss(floor, env));
    samples.push(peakRss(command, env));
  }
  return {
    floor: median(floorSamples),
    command: median(samples),
    ratio: median(samples) / median(floorSamples),
  };
}

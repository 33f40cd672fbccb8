import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { withSessionLock } from '../../src/session/sessionLock.js';
import { realMachine } from '../helpers/realMachine.js';
import { bundleHelper } from '../helpers/bundleHelper.js';

const contenders = 80;
/** A quarter SIGKILL themselves while holding the lock. */
const victims = contenders / 4;

let script = '';

beforeAll(async () => {
  script = await bundleHelper('lockContender');
});

interface Exit {
  id: number;
  pid: number | undefined;
  victim: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function contend(args: {
  configDir: string;
  log: string;
  counter: string;
  id: number;
  victim: boolean;
  noLink: boolean;
}) {
  return new Promise<Exit>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        script,
        args.configDir,
        args.log,
        args.counter,
        args.victim ? 'victim' : 'normal',
        String(args.id),
        args.noLink ? '1' : '0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ id: args.id, pid: child.pid, victim: args.victim, code, signal, stderr }),
    );
  });
}

/** Every `enter` that came while someone else was between their enter and leave (or dying). */
function overlaps(lines: string[]): number {
  const inside = new Set<string>();
  let count = 0;
  for (const line of lines) {
    const [event, id] = line.split(' ');
    if (!id) continue;
    if (event === 'enter') {
      if (inside.size > 0) count += 1;
      inside.add(id);
    } else if (event === 'leave' || event === 'dying') {
      inside.delete(id);
    }
  }
  return count;
}

async function stress(noLink: boolean) {
  const configDir = mkdtempSync(join(tmpdir(), 'hflogin-lock-stress-'));
  const log = join(configDir, 'log');
  const counter = join(configDir, 'counter');
  writeFileSync(log, '');
  writeFileSync(counter, '0');
  const started = Date.now();
  // Victims spread among the others: every fourth one.
  const exits = await Promise.all(
    Array.from({ length: contenders }, (_, id) =>
      contend({ configDir, log, counter, id, victim: id % 4 === 3, noLink }),
    ),
  );
  const seconds = (Date.now() - started) / 1000;
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const normal = exits.filter((exit) => !exit.victim);
  const overlapCount = overlaps(lines);
  const increments = Number(readFileSync(counter, 'utf8'));
  console.log(
    `[lock stress] ${contenders} contenders (${victims} killed holding), ${increments} increments, ` +
      `${overlapCount} overlaps, link() ${noLink ? 'unavailable' : 'available'}, ${seconds.toFixed(1)} s`,
  );

  // Nobody timed out or failed: normal contenders exit 0, victims by their own SIGKILL.
  expect(normal.filter((exit) => exit.code !== 0)).toEqual([]);
  expect(exits.filter((exit) => exit.victim && exit.signal !== 'SIGKILL')).toEqual([]);
  expect(exits.filter((exit) => exit.victim)).toHaveLength(victims);
  expect(lines.filter((line) => line.startsWith('enter'))).toHaveLength(contenders);
  expect(overlapCount).toBe(0);
  expect(increments).toBe(normal.length);

  // No breaker files left. The lock itself remains only if the last one to take it was a victim.
  const locks = join(configDir, 'locks');
  const left = readdirSync(locks);
  expect(left.filter((entry) => entry !== 'default.lock')).toEqual([]);
  if (existsSync(join(locks, 'default.lock'))) {
    const holder = JSON.parse(readFileSync(join(locks, 'default.lock'), 'utf8')) as { pid: number };
    expect(lines.at(-1)).toMatch(/^dying /);
    expect(exits.find((exit) => exit.pid === holder.pid)?.victim).toBe(true);
  }
  // One more taker recovers from a dead last holder, and leaves the directory empty.
  await expect(
    withSessionLock(configDir, 'default', async () => 'ran', { waitMs: 5_000, ...realMachine }),
  ).resolves.toBe('ran');
  expect(readdirSync(locks)).toEqual([]);
}

describe('session lock under stress', () => {
  it(`keeps ${contenders} contending processes apart, a quarter of them killed while holding`, async () => {
    await stress(false);
  });

  it('does the same where link() is unavailable', async () => {
    await stress(true);
  });
});

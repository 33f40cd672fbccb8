import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'vitest';

import type { Emulator } from '../emulator/index.js';
import { loginArgs } from './useEmulator.js';

/** One command's run, however the test runs it (the binary, or main() in-process). */
export type CommandRun = (args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>;

export function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
  } catch {
    return [];
  }
}

/**
 * Signs in, then runs every command (each whoami and token with its tokens expired first, so the
 * refresh path is searched too), with and without --debug, and looks for every token the emulator
 * issued in everything printed and every file under `dirs`: only `hflogin token`'s stdout may
 * carry one.
 */
export async function expectNoLeaks(
  emulator: Emulator,
  options: { run: CommandRun; expireTokens: () => Promise<void>; dirs: string[] },
): Promise<void> {
  const outputs: Array<{ what: string; text: string; mayCarryToken: boolean }> = [];
  const run = async (args: string[], mayCarryToken = false) => {
    if (args[0] === 'whoami' || args[0] === 'token' || args[0] === 'api') await options.expireTokens();
    const { code, stdout, stderr } = await options.run(args);
    outputs.push({ what: `${args.join(' ')} (stdout)`, text: stdout, mayCarryToken });
    outputs.push({ what: `${args.join(' ')} (stderr)`, text: stderr, mayCarryToken: false });
    return code;
  };
  const echo = emulator.protectedApis['/echo']!;
  expect(
    await run(loginArgs(emulator, '--resource', 'https://api.example.com', '--resource', echo, '--debug')),
  ).toBe(0);
  for (const debug of [[], ['--debug']]) {
    expect(await run(['whoami', ...debug])).toBe(0);
    expect(await run(['whoami', '--json', ...debug])).toBe(0);
    expect(await run(['token', ...debug], true)).toBe(0);
    expect(await run(['token', '--json', ...debug], true)).toBe(0);
    expect(await run(['token', '--resource', 'https://api.example.com', ...debug], true)).toBe(0);
    // `api` sends tokens (and -i prints headers): its answers, its 401 → refresh → retry, its traces.
    expect(await run(['api', `${echo}/leak`, '-i', '-f', 'a=1', ...debug])).toBe(0);
    expect(await run(['api', `${echo}/status/401`, '-i', ...debug])).toBe(1);
    expect(await run(['api', `${emulator.issuer}/me`, '-i', ...debug])).toBe(0);
    expect(await run(['status', '--json', ...debug])).toBe(0);
    expect(await run(['config', 'list', ...debug])).toBe(0);
    // A failure with --debug prints its cause (redacted).
    expect(await run(['token', '--resource', 'https://unknown.example.com', ...debug])).toBe(1);
  }
  expect(await run(['logout', '--debug'])).toBe(0);

  const tokens = [...new Set(emulator.stats.issuedTokens)];
  expect(tokens.length).toBeGreaterThan(10);
  const leaks: string[] = [];
  for (const output of outputs) {
    if (output.mayCarryToken) continue;
    for (const token of tokens) if (output.text.includes(token)) leaks.push(output.what);
  }
  const files = options.dirs.flatMap(filesUnder);
  expect(files.some((file) => file.endsWith('config.json'))).toBe(true);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const token of tokens) if (text.includes(token)) leaks.push(file);
  }
  // And the token command did print tokens: the search would have found one.
  expect(
    outputs.some((output) => output.mayCarryToken && tokens.some((token) => output.text.includes(token))),
  ).toBe(true);
  console.log(
    `[secrets] ${tokens.length} issued tokens looked for in ${outputs.length} outputs and ${files.length} files: ${leaks.length} leaks`,
  );
  expect(leaks).toEqual([]);
}

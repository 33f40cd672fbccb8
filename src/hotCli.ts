import { fstatSync, readFileSync, statSync, writeSync } from 'node:fs';

import type { CommandDeps } from './commands/deps.js';
import { debugVariable } from './io/debug.js';
import { createHttpClient } from './io/httpClient.js';
import type { TerminalStreams } from './io/terminal.js';
import { answerHot, helpKey, hotCommand, offline, withoutNetwork } from './hotPath.js';
import { version } from './version.js';

/*
 * The process entry of bin/hflogin.cjs, bundled on its own as CommonJS (dist/hot.cjs): `--version`,
 * help for a pipe, and `token`/`status`/`whoami` when the files on this machine (and one userinfo
 * GET) are enough, answered before anything else
 * loads; every other command line goes to the full program (dist/cli.js). Measured on Node 20 with
 * `npm run bench` (2 cores): an ESM entry costs ~6 ms of ESM-loader start-up that `node -e 0` does
 * not pay — a third of the floor — and the command-line parser and the split ESM chunks more; a
 * script calling `hflogin token` in a loop pays that on every call. Like src/cli.ts and
 * src/system.ts, this module reads the machine (process.env, the clock) and exits the process.
 */

/** Answers the command line, or hands it to the full program that `loadFull` imports. */
export async function runHotAsProcess(
  loadFull: () => Promise<{ runAsProcess(): Promise<never> }>,
  /** dist/help.json (bin/hflogin.cjs knows where); the single binary has none. */
  helpFile?: string,
): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    exitAfterWriting('', `${version}\n`);
  }
  // Help, pre-rendered for a stdout that is not a terminal (a terminal's width changes the text).
  const key = helpKey(argv);
  const help = key === undefined || !helpFile || !notATerminal(1) ? undefined : helpText(helpFile, key);
  if (help !== undefined) exitAfterWriting('', help);
  const command = hotCommand(argv);
  // --debug traces requests and steps: the full program's job (HFLOGIN_DEBUG says it for every run).
  if (command && !debugVariable(process.env)) {
    const answer = await answerHot(command, hotDeps, {
      isTTY: (fd) => (process.getBuiltinModule('node:tty') as typeof import('node:tty')).isatty(fd),
    });
    if (answer) exitAfterWriting(answer.stderr, answer.stdout);
  }
  await (await loadFull()).runAsProcess();
}

/** The pre-rendered help of `key` (scripts/helpTexts.mjs wrote the file at build time), if any. */
function helpText(file: string, key: string): string | undefined {
  try {
    const texts = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    return Object.hasOwn(texts, key) ? texts[key] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A pipe, a file or /dev/null: certainly not a terminal (fstat, not node:tty, which loads
 * node:net). Any other character device might be one: the program renders help for it.
 */
function notATerminal(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    if (stat.isFIFO() || stat.isFile() || stat.isSocket()) return true;
    return stat.isCharacterDevice() && stat.rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

/**
 * Writes the answer to the file descriptors and exits 0: process.stdout and process.stderr, created
 * on first use, cost more than the command (streams, tty or pipe handles). A reader that went away
 * (EPIPE) ends it with 1: what it did not take is lost either way.
 */
function exitAfterWriting(stderr: string, stdout: string): never {
  try {
    writeAll(2, stderr);
    writeAll(1, stdout);
  } catch {
    process.exit(1);
  }
  process.exit(0);
}

/** Writes all of `text` to `fd`, however much each write takes (a pipe may take part of it). */
function writeAll(fd: number, text: string): void {
  let bytes = Buffer.from(text, 'utf8');
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes));
    } catch (error) {
      // A non-blocking pipe that is full: wait for it (rare; `token` writes one line).
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/** This process as the hot path's deps: the environment, the clock and storage; nothing else. */
function hotDeps(streams: TerminalStreams): CommandDeps {
  const env = process.env;
  return withoutNetwork({
    ...streams,
    env,
    now: Date.now,
    pid: process.pid,
    http: createHttpClient(env),
    // Randomness only names a keychain probe or a temporary file, which the hot path never makes.
    openStore: async (kind, dir) =>
      (await import('./storage/openStore.js')).openStore(kind, dir, env, offline),
  });
}

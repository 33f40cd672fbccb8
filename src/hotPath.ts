import type { Writable } from 'node:stream';

import type { CommandDeps } from './commands/deps.js';
import { ErrorCode } from './io/errorCodes.js';
import { ExitCode, HfloginError } from './io/errors.js';
import type { HttpClient } from './io/httpClient.js';
import type { TerminalStreams } from './io/terminal.js';
import { runStatus, type StatusOptions } from './commands/status/run.js';
import { runToken, type TokenOptions } from './commands/token/run.js';
import { runWhoami, type WhoamiOptions } from './commands/whoami/run.js';

/**
 * The command lines scripts run in loops — `hflogin token`, `status` and `whoami`, with a profile
 * and `--json` at most — answered without the command-line parser, the OIDC client or the ESM loader
 * (src/hotCli.ts is bundled on its own as CommonJS: see scripts/build.mjs). Only the answer that
 * needs nothing but the files on this machine (and, for whoami, one userinfo GET) is given here: the same run functions as the full
 * program, with their output held back; the first sign of anything else (a refresh, a request, an
 * error of any kind) discards it all and the full program answers the command line from scratch.
 * So the hot path can only be faster, never different: `test/inprocess/hotPath.test.ts` compares
 * its answers with the program's.
 */
export type HotCommand =
  | { name: 'token'; options: TokenOptions }
  | { name: 'status'; options: StatusOptions }
  | { name: 'whoami'; options: WhoamiOptions };

/** The command line as a hot command, or undefined when the full program must parse it. */
export function hotCommand(argv: readonly string[]): HotCommand | undefined {
  const [name, ...rest] = argv;
  if (name !== 'token' && name !== 'status' && name !== 'whoami') return undefined;
  let profile: string | undefined;
  let json = false;
  for (let index = 0; index < rest.length; index += 1) {
    const argument = rest[index]!;
    if (argument === '--json' && !json) json = true;
    else if ((argument === '-p' || argument === '--profile') && profile === undefined) {
      profile = rest[(index += 1)];
      // A missing value, or one that looks like an option: the parser's own error says it best.
      if (profile === undefined || profile.startsWith('-')) return undefined;
    } else if (argument.startsWith('--profile=') && profile === undefined) {
      profile = argument.slice('--profile='.length);
    } else return undefined;
  }
  return { name, options: { ...(profile !== undefined ? { profile } : {}), json } };
}

/**
 * The help a command line asks for, as the key of its pre-rendered text (dist/help.json, written at build time by scripts/helpTexts.mjs): `''`
 * for `--help`, `-h` or `help`; `config set` for `config set --help`, `config set -h` or
 * `help config set`. Undefined for anything else (help for an unknown command is the parser's).
 */
export function helpKey(argv: readonly string[]): string | undefined {
  const words = (list: readonly string[]) => list.every((word) => /^[a-z][a-z-]*$/.test(word));
  const last = argv.at(-1);
  if (last === '--help' || last === '-h') {
    const path = argv.slice(0, -1);
    return words(path) ? path.join(' ') : undefined;
  }
  if (argv[0] === 'help' && words(argv.slice(1))) return argv.slice(1).join(' ');
  return undefined;
}

/** What a hot command printed, to be written out only once it has succeeded. */
export interface HotAnswer {
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` with its output held back (`depsWith` gives the deps around the held streams; `terminal`
 * says whether stdout or stderr is a terminal, when asked). The answer, or undefined when the full program must
 * answer instead: whatever went wrong (a refresh is due, storage is unusable, nobody is signed in)
 * is the full program's to handle and to say, so nothing is printed twice or differently.
 */
export async function answerHot(
  command: HotCommand,
  depsWith: (streams: TerminalStreams) => CommandDeps,
  terminal: { isTTY: (fd: 1 | 2) => boolean },
): Promise<HotAnswer | undefined> {
  const stdout = heldBack(() => terminal.isTTY(1));
  const stderr = heldBack(() => terminal.isTTY(2));
  try {
    const held = depsWith({ stdout: stdout.stream, stderr: stderr.stream });
    if (command.name === 'token') await runToken(command.options, held);
    else if (command.name === 'whoami') await runWhoami(command.options, held);
    else await runStatus(command.options, held);
  } catch {
    return undefined;
  }
  return { stdout: stdout.text(), stderr: stderr.text() };
}

/** What the hot path must never do: go to the network, open anything, take the session lock. */
export function offline(): never {
  throw new HfloginError('The hot path makes no requests and takes no lock.', {
    code: ErrorCode.unexpected,
    exitCode: ExitCode.failed,
    hint: 'The full program answers this command line.',
  });
}

const offlineHttp: HttpClient = {
  fetch: offline,
  request: offline,
  timeoutMs: 0,
  proxyFor: offline,
  get proxy(): never {
    return offline();
  },
};

/** `client`'s requests that are GETs straight to their host (no proxy); anything else ends the hot path. */
function directGetsOnly(client: HttpClient): HttpClient {
  return {
    fetch: offline,
    request: (url, init) =>
      !client.proxyFor(url) && (init?.method ?? 'GET') === 'GET' ? client.request(url, init) : offline(),
    timeoutMs: client.timeoutMs,
    proxyFor: offline,
    get proxy(): never {
      return offline();
    },
  };
}

/**
 * `deps` with everything a hot command must not use turned into a failure that ends the hot path:
 * the network (a refresh or discovery), randomness, the browser, the host's facts, stdin, and the
 * process table (any use of the session lock — a refresh due, a lock left behind — ends it before a
 * lock file is made: session/sessionLock.ts asks who we are first). Given `http`,
 * one kind of request may go out: whoami's userinfo GET, straight to the tenant (a proxy is the
 * full program's: its agent is not in the hot path); a GET changes nothing at Logto, so the full
 * program may send it again if it takes over.
 */
export function withoutNetwork(
  deps: Pick<CommandDeps, 'stdout' | 'stderr' | 'env' | 'now' | 'openStore'> & {
    pid: number;
    http?: HttpClient;
  },
): CommandDeps {
  const direct = deps.http;
  return {
    stdout: deps.stdout,
    stderr: deps.stderr,
    env: deps.env,
    now: deps.now,
    openStore: deps.openStore,
    get stdin(): never {
      return offline();
    },
    // Nothing here must finish once begun (no refresh, no save): Ctrl+C may end it at once.
    signal: new AbortController().signal,
    critical: (work) => work(),
    interrupt: offline,
    http: direct ? directGetsOnly(direct) : offlineHttp,
    random: offline,
    processes: { pid: deps.pid, hostname: offline, exists: offline },
    hostFacts: offline,
    openBrowser: offline,
  };
}

/**
 * A stream that keeps what is written to it, as a terminal (`isTTY`: colour) or not. Only that
 * fact is taken from the real stream: creating process.stdout costs more than `token`'s own work.
 */
function heldBack(isTTY: () => boolean): { stream: Writable; text: () => string } {
  const parts: string[] = [];
  const stream = {
    // Asked only for colour (status): `token` never loads node:tty, which loads node:net.
    get isTTY(): boolean {
      return isTTY();
    },
    write(chunk: string | Uint8Array): boolean {
      parts.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    },
  };
  return { stream: stream as unknown as Writable, text: () => parts.join('') };
}

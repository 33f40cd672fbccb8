import { CommanderError, type Command } from 'commander';

import type { CommandDefinition, ParsedLine } from './commands/command.js';
import type { CommandDeps } from './commands/deps.js';
import { commandTree } from './commands/commandTree.js';
import type { OnCommand } from './commands/register.js';
import { debugLog, debugVariable, redact } from './io/debug.js';
import { ErrorCode } from './io/errorCodes.js';
import { tracedHttpClient } from './io/httpTrace.js';
import { errorJson, ExitCode, HfloginError, isReportedInJson, unexpectedError } from './io/errors.js';
import { writeJson, writeLine, writeText } from './io/terminal.js';

export type CliDeps = CommandDeps;

/** The whole command line: the global options, then every command of the registry. */
export function buildProgram(deps: Pick<CliDeps, 'stdout' | 'stderr'>, onCommand: OnCommand): Command {
  const program = commandTree(onCommand)
    .showSuggestionAfterError(true)
    .showHelpAfterError('Run "hflogin --help" or "hflogin help <command>" to see what is possible.');
  // Every command reports through the given streams and never exits the process itself.
  const configure = (command: Command) => {
    command.exitOverride().configureOutput({
      writeOut: (text) => writeText(deps.stdout, text),
      writeErr: (text) => writeText(deps.stderr, text),
    });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/**
 * What a command line parses to, without running anything: the command's path and its typed
 * Options (the argv → Options tables in test/unit/commandLine.test.ts).
 */
export async function parseCommandLine(
  argv: readonly string[],
  deps: Pick<CliDeps, 'stdout' | 'stderr'>,
): Promise<{ command: string; options: unknown }> {
  let parsed: { command: string; options: unknown } | undefined;
  const program = buildProgram(deps, async (definition, line) => {
    parsed = { command: definition.name.split(' ')[0]!, options: parse(definition, line) };
  });
  await program.parseAsync([...argv], { from: 'user' });
  if (!parsed) throw new Error(`"${argv.join(' ')}" names no command`);
  return parsed;
}

function parse(definition: CommandDefinition<never>, line: ParsedLine): never {
  return (definition.parse ? definition.parse(line) : line.flags) as never;
}

/** Parses and runs one command line; resolves to the exit code. */
export async function runProgram(argv: readonly string[], deps: CliDeps): Promise<number> {
  const debugFromEnv = debugVariable(deps.env);
  let answered = false;
  const program = buildProgram(deps, async (definition, line) => {
    try {
      const debug = line.flags.debug === true || debugFromEnv;
      const options = parse(definition, { ...line, flags: { ...line.flags, debug } });
      const run = await definition.load!();
      await run(options, debug ? withDebug(deps) : deps);
    } catch (error) {
      // --json: one document on stdout, always; on failure, the error (the human text is on stderr).
      if (line.flags.json === true && !isReportedInJson(error))
        writeJson(deps.stdout, errorJson(asHfloginError(error)));
      answered = true;
      throw error;
    }
  });
  try {
    // No command is a usage error: show what there is, on stderr.
    if (argv.length === 0) program.help({ error: true });
    const unknown = unknownHelpTopic(argv, program);
    if (unknown) throw unknown;
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    // Refused before any command ran (an unknown option, a --port out of range): with --json, that
    // is the one document too.
    if (!answered && argv.includes('--json') && !isHelpOrVersion(error))
      writeJson(
        deps.stdout,
        errorJson(
          commandLineError(
            error,
            argv,
            program.commands.map((command) => command.name()),
          ),
        ),
      );
    return exitCodeFor(error, deps, argv.includes('--debug') || debugFromEnv);
  }
}

function isHelpOrVersion(error: unknown): boolean {
  return error instanceof CommanderError && error.exitCode === 0;
}

/** What commander refused, as hflogin's usage error: its words, and where to look. */
function commandLineError(error: unknown, argv: readonly string[], commands: string[]): HfloginError {
  if (!(error instanceof CommanderError)) return asHfloginError(error);
  const command = argv.find((arg) => commands.includes(arg));
  return new HfloginError(error.message.replace(/^error: /, ''), {
    code: ErrorCode.usage,
    exitCode: ExitCode.usage,
    hint: `Run hflogin ${command ? `help ${command}` : '--help'} to see what is possible.`,
  });
}

/**
 * The command's dependencies under --debug: a trace line on stderr for every HTTP request it makes
 * (every request of every command goes through `deps.http`), and `deps.debug` for the other steps.
 */
function withDebug(deps: CliDeps): CliDeps {
  const debug = deps.debug ?? debugLog(deps.stderr, true);
  return { ...deps, debug, http: tracedHttpClient(deps.http, debug, deps.now) };
}

/**
 * `hflogin help <topic>` for a topic that is no command: commander would print the whole help and
 * exit 0; say it is unknown, with the nearest command names, as a usage error.
 */
function unknownHelpTopic(argv: readonly string[], program: Command): HfloginError | undefined {
  if (argv[0] !== 'help' || argv[1] === undefined || argv[1].startsWith('-')) return undefined;
  const names = program.commands.map((command) => command.name());
  if (names.includes(argv[1])) return undefined;
  const near = names.filter(
    (name) => editDistance(name, argv[1]!) <= 2 || name.startsWith(argv[1]!.slice(0, 2)),
  );
  return new HfloginError(`No help for "${argv[1]}": there is no such command.`, {
    code: ErrorCode.usage,
    exitCode: ExitCode.usage,
    hint:
      near.length > 0
        ? `Did you mean ${near.map((name) => `hflogin help ${name}`).join(' or ')}?`
        : 'Run hflogin --help to see every command.',
  });
}

/** Levenshtein distance, for suggesting a command name. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}

/** Any failure as hflogin reports it: an unexpected one is `unexpected`, exit 1. */
function asHfloginError(error: unknown): HfloginError {
  if (error instanceof HfloginError) return error;
  return unexpectedError(
    `unexpected failure: ${redact(error instanceof Error ? error.message : String(error))}`,
  );
}

function exitCodeFor(error: unknown, deps: CliDeps, debug: boolean): number {
  if (error instanceof CommanderError) {
    // --help and --version end through exitOverride with exit code 0.
    if (error.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof HfloginError) {
    writeLine(deps.stderr, `Error: ${error.message}`);
    if (error.hint) writeLine(deps.stderr, `Hint: ${error.hint}`);
    if (debug && error.cause)
      writeLine(deps.stderr, `debug: cause: ${redact(String((error.cause as Error).stack ?? error.cause))}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  writeLine(deps.stderr, `Error: unexpected failure: ${redact(message)}`);
  if (debug && error instanceof Error && error.stack) writeLine(deps.stderr, `debug: ${redact(error.stack)}`);
  return ExitCode.failed;
}

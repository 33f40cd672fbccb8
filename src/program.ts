import { Command, CommanderError, Option } from 'commander';

import { defineCommands } from './commandLine.js';
import type { CommandDeps } from './commands/deps.js';
import { redact } from './io/debug.js';
import { ExitCode, HfloginError } from './io/errors.js';
import { writeLine } from './io/terminal.js';
import { version } from './version.js';

export type CliDeps = CommandDeps;

export function buildProgram(deps: CliDeps): Command {
  const program = new Command();
  program
    .name('hflogin')
    .description('Sign in to a Logto tenant from your terminal, with Hugging Face preselected.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(new Option('-p, --profile <name>', 'profile to use (env HFLOGIN_PROFILE)'))
    .option('--json', 'machine-readable output on stdout')
    .option('--debug', 'diagnostics on stderr (secrets redacted)')
    .option('--no-color', 'no colour in output')
    .showSuggestionAfterError(true)
    .showHelpAfterError('Run "hflogin --help" or "hflogin help <command>" to see what is possible.')
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
    })
    .exitOverride();
  defineCommands(program, deps);
  // Subcommands report through the same streams and never exit the process themselves.
  const configure = (command: Command) => {
    for (const sub of command.commands) {
      sub.exitOverride().configureOutput({
        writeOut: (text) => deps.stdout.write(text),
        writeErr: (text) => deps.stderr.write(text),
      });
      configure(sub);
    }
  };
  configure(program);
  return program;
}

/** Parses and runs one command line; resolves to the exit code. */
export async function runProgram(argv: readonly string[], deps: CliDeps): Promise<number> {
  const program = buildProgram(deps);
  try {
    // No command is a usage error: show what there is, on stderr.
    if (argv.length === 0) program.help({ error: true });
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    return exitCodeFor(error, deps, argv.includes('--debug'));
  }
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

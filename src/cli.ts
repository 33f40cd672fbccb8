import { Command, CommanderError, Option } from 'commander';

import { ExitCode, HfloginError } from './io/errors.js';
import { writeLine, type TerminalStreams } from './io/terminal.js';
import { version } from './version.js';

export interface CliDeps extends TerminalStreams {
  env: NodeJS.ProcessEnv;
}

/** Global options from SPEC.md; every command sees them through `program.opts()`. */
export interface GlobalOptions {
  profile: string;
  json?: boolean;
  debug?: boolean;
  color?: boolean;
}

export function buildProgram(deps: CliDeps): Command {
  const program = new Command();
  program
    .name('hflogin')
    .description('Sign in to a Logto tenant from your terminal, with Hugging Face preselected.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(new Option('-p, --profile <name>', 'profile to use').env('HFLOGIN_PROFILE').default('default'))
    .option('--json', 'machine-readable output on stdout')
    .option('--debug', 'diagnostics on stderr (secrets redacted)')
    .option('--no-color', 'no colour in output')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
    })
    .exitOverride();
  return program;
}

/** Runs the CLI and resolves to the exit code; never exits the process itself. */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  const program = buildProgram(deps);
  try {
    // No command is a usage error: show what there is, on stderr.
    if (argv.length === 0) program.help({ error: true });
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    return exitCodeFor(error, deps);
  }
}

function exitCodeFor(error: unknown, deps: CliDeps): number {
  if (error instanceof CommanderError) {
    // --help and --version end through exitOverride with exit code 0.
    if (error.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof HfloginError) {
    writeLine(deps.stderr, `Error: ${error.message}`);
    if (error.hint) writeLine(deps.stderr, `Hint: ${error.hint}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  writeLine(deps.stderr, `Error: unexpected failure: ${message}`);
  return ExitCode.failed;
}

/** The process entry point used by bin/hflogin.js: the only place that exits the process. */
export async function runAsProcess(): Promise<never> {
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
  process.exit(code);
}

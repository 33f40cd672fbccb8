import type { CommandDeps } from './commands/deps.js';
import { version } from './version.js';

export type CliDeps = CommandDeps;

/**
 * Runs the CLI and resolves to the exit code; never exits the process itself. `--version` is
 * answered before the command-line parser even loads: scripts call it to probe for hflogin.
 */
export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
  if (isVersionProbe(argv)) {
    deps.stdout.write(`${version}\n`);
    return 0;
  }
  const { runProgram } = await import('./program.js');
  return runProgram(argv, deps);
}

function isVersionProbe(argv: readonly string[]): boolean {
  return argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
}

/**
 * The full program's process entry: bin/hflogin.cjs and the single binary (src/seaMain.ts) reach
 * it through src/hotCli.ts when the hot path does not answer. With src/hotCli.ts, the only place that
 * exits the process.
 */
export async function runAsProcess(): Promise<never> {
  const argv = process.argv.slice(2);
  // Nothing to interrupt in a version probe: answered before the Ctrl+C handling even loads.
  if (isVersionProbe(argv)) {
    process.stdout.write(`${version}\n`);
    process.exit(0);
  }
  // Both load at once (main() finds the program already loaded).
  const [{ processDeps }] = await Promise.all([import('./system.js'), import('./program.js')]);
  const code = await main(
    argv,
    processDeps((exitCode) => process.exit(exitCode)),
  );
  process.exit(code);
}

import type { CommandDeps } from './commands/deps.js';
import { detectHostFacts } from './io/browserAvailability.js';
import { systemProcesses, systemRandom } from './system.js';
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

/** The process entry point used by bin/hflogin.js: the only place that exits the process. */
export async function runAsProcess(): Promise<never> {
  const argv = process.argv.slice(2);
  // Nothing to interrupt in a version probe: answered before the Ctrl+C handling even loads.
  if (isVersionProbe(argv)) {
    process.stdout.write(`${version}\n`);
    process.exit(0);
  }
  // The first Ctrl+C lets the command close its listener and say so (or, during a refresh, finish
  // saving the rotated token); a second one ends at once.
  const [{ createInterruption }, { createHttpClient }] = await Promise.all([
    import('./io/interrupt.js'),
    import('./io/httpClient.js'),
  ]);
  const interrupt = createInterruption(process.stderr, (code) => process.exit(code));
  // SIGTERM (`timeout`, a CI cancelling) and SIGHUP (the terminal closed) would otherwise end the
  // process between Logto's refresh answer and its save, as surely as Ctrl+C.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, interrupt.onInterrupt);
  // With the terminal gone (SIGHUP), a write to stderr fails with EIO/EPIPE; that must not crash
  // a command that is finishing a save.
  process.stderr.on('error', () => undefined);
  const env = process.env;
  let hostFacts: ReturnType<CommandDeps['hostFacts']> | undefined;
  const code = await main(argv, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env,
    now: Date.now,
    signal: interrupt.signal,
    critical: interrupt.critical,
    // Raw mode swallowed the terminal's Ctrl+C: raise it, so the usual handling runs.
    interrupt: () => process.kill(process.pid, 'SIGINT'),
    http: createHttpClient(env),
    random: systemRandom,
    processes: systemProcesses,
    hostFacts: () => {
      hostFacts ??= detectHostFacts(env);
      return hostFacts;
    },
    openBrowser: async (url) => (await import('./io/browser.js')).systemBrowserOpener(env)(url),
    openStore: async (kind, dir) => (await import('./storage/openStore.js')).openStore(kind, dir, env),
  });
  process.exit(code);
}

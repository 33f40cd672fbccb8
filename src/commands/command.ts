import type { Command } from 'commander';

import { usageError } from '../io/errors.js';
import type { CompletionValues } from './completionValues.js';
import type { CommandDeps } from './deps.js';

/** commander's parsed flags (with the global ones) and the positional arguments of one command. */
export interface ParsedLine {
  flags: Record<string, unknown>;
  args: string[];
}

/** A command's run: it acts only through its deps (gh's `xRun`). */
export type Run<Options> = (options: Options, deps: CommandDeps) => Promise<void>;

/**
 * One command, the way gh builds them (`NewCmdX`): its name, flags, help and examples; `parse`
 * turns what commander parsed into a typed, validated Options; `load` imports its run only when it
 * runs, so `--help` and every other command start without it.
 */
export interface CommandDefinition<Options = unknown> {
  /** As commander takes it, with positional arguments: `set <key> <value>`. */
  name: string;
  summary: string;
  /** Flags, arguments and help text. */
  configure?: (command: Command) => void;
  /** What completes each positional argument in a shell (a value of your own when absent). */
  argumentValues?: CompletionValues[];
  /** Left out of help and completion: for the completion scripts' own use. */
  hidden?: boolean;
  examples?: string[];
  parse?: (line: ParsedLine) => Options;
  load?: () => Promise<Run<Options>>;
  subcommands?: Array<CommandDefinition<never>>;
}

/** Infers a definition's Options from its `parse` (a plain object literal would widen them). */
export function defineCommand<Options>(definition: CommandDefinition<Options>): CommandDefinition<never> {
  return definition as unknown as CommandDefinition<never>;
}

/** The global options (SPEC) every command's Options carry. */
export interface GlobalOptions {
  profile: string | undefined;
  json: boolean;
  debug: boolean;
  /** false with --no-color. */
  color: boolean;
}

export function globalOptions(flags: Record<string, unknown>): GlobalOptions {
  return {
    profile: optionalString(flags.profile),
    json: flags.json === true,
    debug: flags.debug === true,
    color: flags.color !== false,
  };
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** A repeatable flag whose values may also be given space- or comma-separated. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(/[\s,]+/).filter(Boolean)];
}

/** A flag taking a whole number in 0…max; a usage error (exit 2) otherwise. */
export function wholeNumber(name: string, max: number, example: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0 || number > max)
      throw usageError(`${name} must be a whole number from 0 to ${max}.`, `e.g. ${name} ${example}`);
    return number;
  };
}

export function examplesText(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** A command with only the global flags (whoami, status): its Options are the global ones. */
export function reportCommand(
  definition: Pick<CommandDefinition<GlobalOptions>, 'name' | 'summary' | 'examples' | 'load'>,
): CommandDefinition<never> {
  return defineCommand<GlobalOptions>({
    ...definition,
    parse: ({ flags }) => globalOptions(flags),
  });
}

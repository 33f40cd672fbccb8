import type { Command, Help, Option } from 'commander';

import { completionValues, type CompletionValues } from '../completionValues.js';

/** One option as completion sees it: its names, and, if it takes a value, what completes it. */
export interface CompletionOption {
  long: string;
  short: string | undefined;
  description: string;
  takesValue: boolean;
  /** undefined: a value of your own (nothing is offered, not even `--`). */
  values: CompletionValues | undefined;
}

/** One command: `path` is the words after `hflogin` that name it ('' for hflogin itself). */
export interface CompletionCommand {
  path: string;
  subcommands: Array<{ name: string; summary: string }>;
  /** What completes each positional argument; a command with subcommands has none of its own. */
  args: Array<CompletionValues | undefined>;
  /** Its own options, then the global ones. */
  options: CompletionOption[];
}

/** Every visible command of the tree, and every option that takes a value, by each of its names. */
export interface CompletionTree {
  commands: CompletionCommand[];
  valued: Map<string, CompletionOption>;
}

/**
 * The command tree (commander's, the one that parses the line) as completion scripts need it:
 * commands and options as `--help` shows them (hidden ones left out, `help` in), the values of
 * options and arguments as their definitions declare them.
 */
export function completionTree(program: Command): CompletionTree {
  const help = program.createHelp();
  const commands: CompletionCommand[] = [];
  const valued = new Map<string, CompletionOption>();
  // `siblings`: the names beside an implicit `help [command]` (commander makes it apart from the tree).
  const visit = (command: Command, path: string, siblings: string[] | undefined) => {
    const subcommands = help.visibleCommands(command);
    const names = subcommands.map((sub) => shellWord(sub.name()));
    const options = [...help.visibleOptions(command), ...globalOptions(help, command)].map(completionOption);
    for (const option of options.filter((option) => option.takesValue))
      for (const name of [option.long, option.short])
        if (name) valued.set(name, sameEverywhere(valued.get(name), option));
    commands.push({
      path,
      subcommands: subcommands.map((sub) => ({
        name: sub.name(),
        summary: sub.summary() || sub.description(),
      })),
      args: siblings
        ? [siblings.filter((name) => name !== 'help')]
        : command.registeredArguments.map(completionValues),
      options,
    });
    for (const sub of subcommands)
      visit(
        sub,
        path ? `${path} ${sub.name()}` : sub.name(),
        command.commands.includes(sub) ? undefined : names,
      );
  };
  visit(program, '', undefined);
  for (const option of commands.flatMap((command) => command.options))
    if (!option.takesValue && valued.has(option.long))
      throw new Error(`${option.long} takes a value in one command and not in another`);
  return { commands, valued };
}

/** The scripts know an option by its name alone: it must take the same values wherever it appears. */
function sameEverywhere(seen: CompletionOption | undefined, option: CompletionOption): CompletionOption {
  if (seen && JSON.stringify(seen.values) !== JSON.stringify(option.values))
    throw new Error(`${option.long} completes differently in different commands`);
  return seen ?? option;
}

function globalOptions(help: Help, command: Command): Option[] {
  // The root's own options are its visible ones; a subcommand's help says which globals it shows.
  return command.parent ? help.visibleGlobalOptions(command) : [];
}

function completionOption(option: Option): CompletionOption {
  if (!option.long) throw new Error(`completion needs a long name for ${option.flags}`);
  const values = completionValues(option);
  return {
    long: shellWord(option.long),
    short: option.short ? shellWord(option.short) : undefined,
    description: option.description,
    takesValue: option.required || option.optional,
    values: values === undefined || values === 'profiles' ? values : values.map(shellWord),
  };
}

/**
 * The scripts put names and values into shell code unquoted: each must be a plain word, which every
 * one of hflogin's is. Anything else is a programming error, caught by the tests that print them.
 */
export function shellWord(word: string): string {
  if (!/^-{0,2}[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(word)) throw new Error(`not a plain shell word: ${word}`);
  return word;
}

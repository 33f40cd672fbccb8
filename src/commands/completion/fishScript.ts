import type { CompletionValues } from '../completionValues.js';
import type { CompletionOption, CompletionTree } from './completionTree.js';

/** A fish single-quoted string. */
const quote = (text: string) => `'${text.replace(/[\\']/g, (char) => `\\${char}`)}'`;

/** `-a …` for a set of values: fixed words, or the profile names asked for when completing. */
function candidates(values: CompletionValues): string {
  return values === 'profiles'
    ? `-a '(command hflogin __complete profiles 2>/dev/null)'`
    : `-a ${quote(values.join(' '))}`;
}

function optionLine(option: CompletionOption, condition: string | undefined): string {
  return [
    'complete -c hflogin',
    condition ? `-n ${quote(condition)}` : '',
    option.short ? `-s ${option.short.slice(1)}` : '',
    `-l ${option.long.slice(2)}`,
    // -x: takes a value, and no file names for it (nothing at all for a value of your own).
    option.takesValue ? '-x' : '',
    option.values ? candidates(option.values) : '',
    `-d ${quote(option.description)}`,
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * fish's script: `__hflogin_spot` reads the words before the cursor as the parser does; positional
 * values are offered at their spot (`<command path>:<index>`), never while an option's value comes
 * next, and an option's values by fish itself, as the option's arguments.
 */
export function fishScript(tree: CompletionTree): string {
  const paths = tree.commands
    .filter((command) => command.path !== '')
    .map((command) => {
      const words = command.path.split(' ');
      return quote(`${words.slice(0, -1).join(' ')}/${words.at(-1)}`);
    });
  const lines = [
    '# fish completion for hflogin: hflogin completion fish | source (in config.fish)',
    '# Reads the words before the cursor as the parser does: prints <command path>:<positional index>;',
    '# fails while an option value comes next.',
    'function __hflogin_spot',
    "    set -l at ''",
    '    set -l nargs 0',
    '    set -l value 0',
    '    for word in (commandline -opc)[2..-1]',
    '        if test $value = 1',
    '            set value 0',
    '            continue',
    '        end',
    '        switch $word',
    "            case '-*=*'",
    `            case ${[...tree.valued.keys()].join(' ')}`,
    '                set value 1',
    "            case '-*'",
    "            case '*'",
    `                if contains -- "$at/$word" ${paths.join(' ')}`,
    '                    set at (string trim -- "$at $word")',
    '                    set nargs 0',
    '                else',
    '                    set nargs (math $nargs + 1)',
    '                end',
    '        end',
    '    end',
    '    echo "$at:$nargs"',
    '    test $value = 0',
    'end',
    '# True at positional argument SPOT (path:index); never while an option value comes next.',
    'function __hflogin_at',
    '    set -l spot (__hflogin_spot); and test "$spot" = "$argv[1]"',
    'end',
    '# True anywhere after command PATH (its options, and their values).',
    'function __hflogin_in',
    '    set -l spot (__hflogin_spot)',
    '    string match -q -- "$argv[1]:*" "$spot"',
    'end',
    'complete -c hflogin -f',
  ];
  // Options every command has (the global ones, --help) apply anywhere; the others after their command.
  const everywhere = new Set(
    tree.commands[0]!.options.map((option) => option.long).filter((long) =>
      tree.commands.every(
        (command) => command.options.length === 0 || command.options.some((option) => option.long === long),
      ),
    ),
  );
  for (const option of tree.commands[0]!.options.filter((option) => everywhere.has(option.long)))
    lines.push(optionLine(option, undefined));
  for (const command of tree.commands) {
    const at = (index: number) => `__hflogin_at ${quote(`${command.path}:${index}`)}`;
    for (const sub of command.subcommands)
      lines.push(`complete -c hflogin -n ${quote(at(0))} -a ${sub.name} -d ${quote(sub.summary)}`);
    command.args.forEach((values, index) => {
      if (values) lines.push(`complete -c hflogin -n ${quote(at(index))} ${candidates(values)}`);
    });
    for (const option of command.options.filter((option) => !everywhere.has(option.long)))
      lines.push(optionLine(option, `__hflogin_in ${quote(command.path)}`));
  }
  return `${lines.join('\n')}\n`;
}

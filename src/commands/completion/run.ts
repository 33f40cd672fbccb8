import type { Command } from 'commander';

import { commandTree } from '../commandTree.js';
import type { CommandDeps } from '../deps.js';
import { writeText } from '../../io/terminal.js';

/** The command tree as completion needs it: each command's name, subcommands and long options. */
interface Node {
  name: string;
  options: string[];
  /** Options followed by a value (`--profile work`), so the value is not taken for a command. */
  valued: string[];
  subcommands: Node[];
}

function tree(command: Command): Node {
  const flags = (filter: (option: Command['options'][number]) => boolean) =>
    command.options
      .filter(filter)
      .flatMap((option) => [option.long, option.short])
      .filter((flag): flag is string => Boolean(flag));
  return {
    name: command.name(),
    options: command.options.map((option) => option.long).filter((flag): flag is string => Boolean(flag)),
    valued: flags((option) => option.required || option.optional),
    subcommands: command.commands.filter((sub) => sub.name() !== 'help').map(tree),
  };
}

/**
 * Shell completion scripts, generated from the same command definitions that parse the command
 * line, so they never drift from it.
 */
export function completionScript(shell: CompletionOptions['shell'], program: Command): string {
  const root = tree(program);
  const globals = root.options.join(' ');
  const words = (command: Node) =>
    [...new Set([...command.subcommands.map((sub) => sub.name), ...command.options, ...root.options])].join(
      ' ',
    );
  const commands = root.subcommands;
  if (shell === 'bash') {
    const cases = commands.map((command) => `    ${command.name}) words="${words(command)}" ;;`).join('\n');
    return `# bash completion for hflogin: eval "$(hflogin completion bash)"
_hflogin() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" command="" words i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case " ${root.valued.join(' ')} " in *" \${COMP_WORDS[i]} "*) ((i++)); continue ;; esac
    case "\${COMP_WORDS[i]}" in -*) ;; *) command="\${COMP_WORDS[i]}"; break ;; esac
  done
  case "$command" in
    "") words="${commands.map((command) => command.name).join(' ')} help ${globals}" ;;
${cases}
    *) words="${globals}" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _hflogin hflogin
`;
  }
  if (shell === 'zsh') {
    const cases = commands
      .map((command) => `    ${command.name}) compadd -- ${words(command)} ;;`)
      .join('\n');
    return `#compdef hflogin
# zsh completion for hflogin: eval "$(hflogin completion zsh)"
_hflogin() {
  if (( CURRENT == 2 )); then
    compadd -- ${commands.map((command) => command.name).join(' ')} help ${globals}
    return
  fi
  case "\${words[2]}" in
${cases}
    *) compadd -- ${globals} ;;
  esac
}
compdef _hflogin hflogin
`;
  }
  if (shell === 'fish') {
    const lines = [
      '# fish completion for hflogin: hflogin completion fish | source',
      `complete -c hflogin -f -n '__fish_use_subcommand' -a '${commands.map((command) => command.name).join(' ')} help'`,
      ...root.options.map((flag) => `complete -c hflogin -l ${flag.slice(2)}`),
    ];
    for (const command of commands) {
      if (command.subcommands.length > 0) {
        lines.push(
          `complete -c hflogin -f -n '__fish_seen_subcommand_from ${command.name}' -a '${command.subcommands.map((sub) => sub.name).join(' ')}'`,
        );
      }
      for (const flag of command.options) {
        lines.push(
          `complete -c hflogin -n '__fish_seen_subcommand_from ${command.name}' -l ${flag.slice(2)}`,
        );
      }
    }
    return `${lines.join('\n')}\n`;
  }
  throw new Error(`unknown shell ${shell}`);
}

export interface CompletionOptions {
  shell: 'bash' | 'zsh' | 'fish';
}

/** `hflogin completion <shell>`: the script for that shell, from the same tree that parses the line. */
export async function runCompletion(options: CompletionOptions, deps: CommandDeps): Promise<void> {
  writeText(
    deps.stdout,
    completionScript(
      options.shell,
      commandTree(async () => undefined),
    ),
  );
}

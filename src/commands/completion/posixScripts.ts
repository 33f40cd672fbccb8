import type { CompletionValues } from '../completionValues.js';
import type { CompletionTree } from './completionTree.js';

/** The shell code that lists the profile names when completing (silent, nothing on failure). */
const profileNames = 'command hflogin __complete profiles 2>/dev/null';

/** `list=…` for a set of values: fixed words, or the profile names asked for when completing. */
function assignList(values: CompletionValues | undefined): string {
  if (values === 'profiles') return `list=$(${profileNames})`;
  return `list='${(values ?? []).join(' ')}'`;
}

/**
 * The helpers bash and zsh share (the same syntax in both). `_hflogin_walk` reads the words before
 * the cursor as the parser would: the command path, how many positional arguments follow it, and
 * the option whose value comes next, if any; the others set `list` to what completes the word.
 */
function sharedFunctions(tree: CompletionTree): string {
  const paths = tree.commands.filter((command) => command.path !== '');
  const subcommandPatterns = paths
    .map((command) => {
      const words = command.path.split(' ');
      return `'${words.slice(0, -1).join(' ')}/${words.at(-1)}'`;
    })
    .join('|');
  const positional: string[] = [];
  for (const command of tree.commands) {
    if (command.subcommands.length > 0)
      positional.push(
        `    '${command.path}:0') list='${command.subcommands.map((sub) => sub.name).join(' ')}' ;;`,
      );
    command.args.forEach((values, index) =>
      positional.push(`    '${command.path}:${index}') ${assignList(values)} ;;`),
    );
  }
  const options = tree.commands.map(
    (command) => `    '${command.path}') list='${command.options.map((option) => option.long).join(' ')}' ;;`,
  );
  const valued = [...new Set(tree.valued.values())]
    .filter((option) => option.values !== undefined)
    .map(
      (option) =>
        `    ${[option.short, option.long].filter(Boolean).join('|')}) ${assignList(option.values)} ;;`,
    );
  return `# Reads the words before the cursor ("$@") as the parser does: sets at (the command path),
# nargs (positional arguments after it) and option (the option whose value comes next, if any).
_hflogin_walk() {
  at='' nargs=0 option=''
  while (($#)); do
    case "$1" in
    -*=*) ;;
    ${[...tree.valued.keys()].join('|')})
      if (($# == 1)); then option=$1; fi
      (($# > 1)) && shift ;;
    -*) ;;
    *)
      case "$at/$1" in
      ${subcommandPatterns}) at=\${at:+$at }$1 nargs=0 ;;
      *) nargs=$((nargs + 1)) ;;
      esac ;;
    esac
    shift
  done
}

# Sets list to what completes positional argument "$1" (path:index), or fails if none comes there.
_hflogin_positional() {
  case "$1" in
${positional.join('\n')}
    *) return 1 ;;
  esac
}

# Sets list to the options of command path "$1".
_hflogin_options() {
  case "$1" in
${options.join('\n')}
  esac
}

# Sets list to the values of option "$1" (none for a value of your own).
_hflogin_option_values() {
  list=''
  case "$1" in
${valued.join('\n')}
  esac
}
`;
}

export function bashScript(tree: CompletionTree): string {
  return `# bash completion for hflogin: eval "$(hflogin completion bash)" in ~/.bashrc
${sharedFunctions(tree)}
_hflogin() {
  local cur=\${COMP_WORDS[COMP_CWORD]} at nargs option list=''
  _hflogin_walk "\${COMP_WORDS[@]:1:COMP_CWORD-1}"
  if [[ -n $option ]]; then
    _hflogin_option_values "$option"
  elif [[ $cur == -* ]] || ! _hflogin_positional "$at:$nargs"; then
    _hflogin_options "$at"
  fi
  local IFS=$' \\t\\n'
  COMPREPLY=($(compgen -W "$list" -- "$cur"))
}
complete -F _hflogin hflogin
`;
}

/**
 * Works eval'd from ~/.zshrc before or after compinit (without it there is no compdef, so it runs
 * compinit itself, -i: never a prompt about insecure directories while the shell starts), and as
 * an `_hflogin` file in $fpath (then compinit has loaded it by its #compdef line).
 */
export function zshScript(tree: CompletionTree): string {
  return `#compdef hflogin
# zsh completion for hflogin: eval "$(hflogin completion zsh)" in ~/.zshrc
${sharedFunctions(tree)}
_hflogin() {
  emulate -L zsh
  local at nargs option list=''
  _hflogin_walk "\${(@)words[2,CURRENT-1]}"
  if [[ -n $option ]]; then
    _hflogin_option_values "$option"
  elif [[ $PREFIX == -* ]] || ! _hflogin_positional "$at:$nargs"; then
    _hflogin_options "$at"
  fi
  compadd -- \${=list}
}

if [[ \${funcstack[1]-} == _hflogin ]]; then
  _hflogin "$@"
else
  (( $+functions[compdef] )) || { autoload -Uz compinit && compinit -i; }
  compdef _hflogin hflogin
fi
`;
}

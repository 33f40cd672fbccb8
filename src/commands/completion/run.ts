import type { Command } from 'commander';

import { commandTree } from '../commandTree.js';
import type { CommandDeps } from '../deps.js';
import { writeText } from '../../io/terminal.js';
import { completionTree } from './completionTree.js';
import { fishScript } from './fishScript.js';
import { bashScript, zshScript } from './posixScripts.js';

export interface CompletionOptions {
  shell: 'bash' | 'zsh' | 'fish';
}

/**
 * Shell completion scripts, generated from the same command definitions that parse the command
 * line, so they never drift from it: commands, options, and the values of both (an option's
 * choices, a setting key, a shell, a profile name asked of `hflogin __complete profiles`).
 */
export function completionScript(shell: CompletionOptions['shell'], program: Command): string {
  const tree = completionTree(program);
  if (shell === 'bash') return bashScript(tree);
  if (shell === 'zsh') return zshScript(tree);
  return fishScript(tree);
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

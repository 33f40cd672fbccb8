import { usageError } from '../../io/errors.js';
import { defineCommand } from '../command.js';
import type { CompletionOptions } from './run.js';

export const shells = ['bash', 'zsh', 'fish'] as const;

export const completion = defineCommand<CompletionOptions>({
  name: 'completion <shell>',
  summary: 'print a shell completion script (bash, zsh or fish)',
  examples: [
    'eval "$(hflogin completion bash)"   # in ~/.bashrc',
    'eval "$(hflogin completion zsh)"    # in ~/.zshrc',
    'hflogin completion fish | source     # in config.fish',
  ],
  parse: ({ args }) => {
    const shell = args[0]!;
    if (!(shells as readonly string[]).includes(shell))
      throw usageError(`No completion for "${shell}".`, 'Use bash, zsh or fish.');
    return { shell: shell as (typeof shells)[number] };
  },
  load: async () => (await import('./run.js')).runCompletion,
});

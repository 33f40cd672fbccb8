import { usageError } from '../../io/errors.js';
import { defineCommand } from '../command.js';
import type { CompletionOptions } from './run.js';
import type { CompleteValuesOptions } from './values.js';

export const shells = ['bash', 'zsh', 'fish'] as const;

export const completion = defineCommand<CompletionOptions>({
  name: 'completion <shell>',
  summary: 'print a shell completion script (bash, zsh or fish)',
  argumentValues: [shells],
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

/**
 * `hflogin __complete profiles`: the values a completion script cannot know when it is printed
 * (cobra's hidden `__complete`). Out of help; the scripts call it with stderr discarded.
 */
export const completeValues = defineCommand<CompleteValuesOptions>({
  name: '__complete <kind>',
  summary: 'print the values a completion script offers, one a line (profiles)',
  hidden: true,
  parse: ({ args }) => ({ kind: args[0]! }),
  load: async () => (await import('./values.js')).runCompleteValues,
});

import { defineCommand, globalOptions } from '../command.js';
import type { WhoamiOptions } from './run.js';

export const whoami = defineCommand<WhoamiOptions>({
  name: 'whoami',
  summary: 'show who is signed in: the Logto user and the Hugging Face identity',
  configure: (command) => command.option('--json', 'one JSON object on stdout (schemaVersion 1)'),
  examples: ['hflogin whoami', 'hflogin whoami --json | jq -r .huggingface.username'],
  parse: ({ flags }) => globalOptions(flags),
  load: async () => (await import('./run.js')).runWhoami,
});

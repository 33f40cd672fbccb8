import { defineCommand, globalOptions } from '../command.js';
import type { StatusOptions } from './run.js';

export const status = defineCommand<StatusOptions>({
  name: 'status',
  summary: 'every profile: endpoint, user, token state, storage (exit 4 if the active one is unusable)',
  configure: (command) => command.option('--json', 'one JSON object on stdout (schemaVersion 1)'),
  examples: ['hflogin status', 'hflogin status --json'],
  parse: ({ flags }) => globalOptions(flags),
  load: async () => (await import('./run.js')).runStatus,
});

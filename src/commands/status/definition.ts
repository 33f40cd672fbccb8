import { reportCommand } from '../command.js';

export const status = reportCommand({
  name: 'status',
  summary: 'every profile: endpoint, user, token state, storage (exit 4 if the active one is unusable)',
  examples: ['hflogin status', 'hflogin status --json'],
  load: async () => (await import('./run.js')).runStatus,
});

import { reportCommand } from '../command.js';

export const whoami = reportCommand({
  name: 'whoami',
  summary: 'show who is signed in: the Logto user and the Hugging Face identity',
  examples: ['hflogin whoami', 'hflogin whoami --json | jq -r .huggingface.username'],
  load: async () => (await import('./run.js')).runWhoami,
});

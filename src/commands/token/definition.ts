import { defineCommand, globalOptions, optionalString } from '../command.js';
import type { TokenOptions } from './run.js';

export const token = defineCommand<TokenOptions>({
  name: 'token',
  summary: 'print a valid access token on stdout (refreshing it first if needed)',
  configure: (command) =>
    command
      .option('--resource <uri>', 'a JWT for this API resource (RFC 8707)')
      .option('--organization <id>', 'an organization token'),
  examples: [
    'curl -H "Authorization: Bearer $(hflogin token)" https://tenant.logto.app/oidc/me',
    'hflogin token --resource https://api.example.com',
    'hflogin token --organization <org id> --json',
  ],
  parse: ({ flags }) => ({
    ...globalOptions(flags),
    resource: optionalString(flags.resource),
    organization: optionalString(flags.organization),
  }),
  load: async () => (await import('./run.js')).runToken,
});

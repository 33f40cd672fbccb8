import { defineCommand, globalOptions } from '../command.js';
import type { LogoutOptions } from './run.js';

export const logout = defineCommand<LogoutOptions>({
  name: 'logout',
  summary: 'revoke the session at Logto and remove it from this machine',
  configure: (command) => command.option('--all', 'sign out of every profile'),
  examples: ['hflogin logout', 'hflogin logout --all', 'hflogin --profile work logout'],
  parse: ({ flags }) => ({ ...globalOptions(flags), all: flags.all === true }),
  load: async () => (await import('./run.js')).runLogout,
});

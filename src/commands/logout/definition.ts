import { defineCommand, globalOptions } from '../command.js';
import type { LogoutOptions } from './run.js';

export const logout = defineCommand<LogoutOptions>({
  name: 'logout',
  summary: 'revoke the session at Logto and remove it from this machine',
  configure: (command) =>
    command
      .option('--all', 'sign out of every profile')
      .option(
        '--browser',
        "also end Logto's session in your browser, so the next sign-in there asks who you are",
      ),
  examples: [
    'hflogin logout',
    'hflogin logout --all',
    'hflogin logout --browser       # and sign out of Logto in the browser',
    'hflogin --profile work logout',
  ],
  parse: ({ flags }) => ({
    ...globalOptions(flags),
    all: flags.all === true,
    browser: flags.browser === true,
  }),
  load: async () => (await import('./run.js')).runLogout,
});

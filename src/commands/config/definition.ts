import { settingNames } from '../../config/settingKeys.js';
import { defineCommand, globalOptions } from '../command.js';
import type { ConfigOptions } from './run.js';

const settingsList = settingNames.join(', ');

export const config = defineCommand({
  name: 'config',
  summary: `read and change profile settings (${settingsList}); never secrets`,
  examples: [
    'hflogin config set endpoint https://tenant.logto.app',
    'hflogin config set app-id <app id>',
    'hflogin --profile work config list',
  ],
  subcommands: [
    defineCommand<ConfigOptions & { key: string }>({
      name: 'get <key>',
      summary: 'print one setting of the profile (exit 1 if it is not set)',
      parse: ({ flags, args }) => ({ ...globalOptions(flags), key: args[0]! }),
      load: async () => (await import('./run.js')).runConfigGet,
    }),
    defineCommand<ConfigOptions & { key: string; value: string }>({
      name: 'set <key> <value>',
      summary: `change one setting of the profile (${settingsList})`,
      parse: ({ flags, args }) => ({ ...globalOptions(flags), key: args[0]!, value: args[1]! }),
      load: async () => (await import('./run.js')).runConfigSet,
    }),
    defineCommand<ConfigOptions & { key: string }>({
      name: 'unset <key>',
      summary: 'remove one setting from the profile',
      parse: ({ flags, args }) => ({ ...globalOptions(flags), key: args[0]! }),
      load: async () => (await import('./run.js')).runConfigUnset,
    }),
    defineCommand<ConfigOptions>({
      name: 'init',
      summary: 'set up the profile by answering a few questions (needs a terminal)',
      parse: ({ flags }) => globalOptions(flags),
      load: async () => (await import('./init.js')).runConfigInit,
    }),
    defineCommand<ConfigOptions>({
      name: 'list',
      summary: "print the profile's settings as key=value (every profile with --json)",
      parse: ({ flags }) => globalOptions(flags),
      load: async () => (await import('./run.js')).runConfigList,
    }),
  ],
});

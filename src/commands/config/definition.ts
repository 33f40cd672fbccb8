import type { Command } from 'commander';

import { keyOf, settingNames, settingSummaries } from '../../config/settingNames.js';
import { defineCommand, globalOptions, type ParsedLine } from '../command.js';
import type { ConfigOptions, SettingOptions } from './run.js';

const settingsList = settingNames.join(', ');

/** The settings `<key>` may name, one line each, after the options in the help. */
const listSettings = (command: Command) => {
  const width = Math.max(...settingNames.map((name) => name.length)) + 2;
  const lines = settingNames.map((name) => `  ${name.padEnd(width)}${settingSummaries[name]}`);
  command.addHelpText('after', `\nSettings (<key>):\n${lines.join('\n')}\n`);
};

/** `<key>` must name a setting: an unknown one is a usage error before anything runs. */
const setting = ({ flags, args }: ParsedLine): SettingOptions => ({
  ...globalOptions(flags),
  key: keyOf(args[0]!),
});

export const config = defineCommand({
  name: 'config',
  summary: `read and change profile settings (${settingsList}); never secrets`,
  examples: [
    'hflogin config set endpoint https://tenant.logto.app',
    'hflogin config set app-id <app id>',
    'hflogin --profile work config list',
  ],
  subcommands: [
    defineCommand<SettingOptions>({
      name: 'get <key>',
      configure: listSettings,
      argumentValues: [settingNames],
      summary: 'print one setting of the profile (exit 1 if it is not set)',
      parse: setting,
      load: async () => (await import('./run.js')).runConfigGet,
    }),
    defineCommand<SettingOptions & { value: string }>({
      name: 'set <key> <value>',
      configure: listSettings,
      argumentValues: [settingNames],
      summary: `change one setting of the profile (${settingsList})`,
      parse: (line) => ({ ...setting(line), value: line.args[1]! }),
      load: async () => (await import('./run.js')).runConfigSet,
    }),
    defineCommand<SettingOptions>({
      name: 'unset <key>',
      configure: listSettings,
      argumentValues: [settingNames],
      summary: 'remove one setting from the profile',
      parse: setting,
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

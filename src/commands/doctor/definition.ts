import { defineCommand, globalOptions, wholeNumber } from '../command.js';
import type { DoctorOptions } from './run.js';

export const doctor = defineCommand<DoctorOptions>({
  name: 'doctor',
  summary:
    'check everything a sign-in needs: tenant, discovery, clock, TLS, app IDs, connector, keychain, browser, proxy, loopback',
  configure: (command) =>
    command.option(
      '--port <port>',
      'check that this loopback port is free (as login --port)',
      wholeNumber('--port', 65_535, 8085),
    ),
  examples: ['hflogin doctor', 'hflogin doctor --json | jq .checks', 'hflogin --profile work doctor'],
  parse: ({ flags }) => ({ ...globalOptions(flags), port: typeof flags.port === 'number' ? flags.port : 0 }),
  load: async () => (await import('./run.js')).runDoctor,
});

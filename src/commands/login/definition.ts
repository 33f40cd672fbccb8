import { Option } from 'commander';

import type { StorageKind } from '../../config/profiles.js';
import {
  collect,
  defineCommand,
  globalOptions,
  optionalString,
  stringList,
  wholeNumber,
} from '../command.js';
import { usageError } from '../../io/errors.js';
import { refreshTokenPrompt, selectAccountPrompt } from '../../logto/scopes.js';
import type { LoginOptions } from './loginOptions.js';

export const login = defineCommand<LoginOptions>({
  name: 'login',
  summary: 'sign in through your browser (Hugging Face preselected) and keep the session in the OS keychain',
  configure: (command) =>
    command
      .option(
        '--endpoint <url>',
        'Logto tenant endpoint, e.g. https://tenant.logto.app (env HFLOGIN_ENDPOINT)',
      )
      .option('--app-id <id>', 'Logto Native app ID (env HFLOGIN_APP_ID)')
      .option('--device', 'sign in with a code on any device (the device flow) instead of a browser here')
      .option('--device-app-id <id>', 'App ID of the Logto device-flow app (env HFLOGIN_DEVICE_APP_ID)')
      .option(
        '--connector <target>',
        "social connector to go straight to (default: the profile's, else huggingface)",
      )
      .option('--no-connector', "show Logto's own sign-in page instead")
      .option('--sign-up', 'open the sign-up page')
      .option('--scope <scope>', 'extra scope to request (repeatable; added to the defaults)', collect)
      .option('--resource <uri>', 'API resource to request access to (repeatable)', collect)
      .option('--organization <id>', 'organization to sign in to')
      .option('--login-hint <hint>', 'pre-fill the username or email')
      .option('--prompt <prompt>', 'OIDC prompt (default: consent)')
      .option(
        '--select-account',
        'choose the Hugging Face account again: Logto asks you to sign in instead of reusing its browser session',
      )
      .option(
        '--port <port>',
        'loopback port for the callback (default: a free one)',
        wholeNumber('--port', 65_535, 8085),
      )
      .option(
        '--no-browser',
        'do not open a browser; print the URL (and, on a terminal, accept the pasted result)',
      )
      .option(
        '--timeout <seconds>',
        'how long to wait for the sign-in (default: 300)',
        wholeNumber('--timeout', 86_400, 600),
      )
      .addOption(
        new Option('--storage <kind>', 'where to keep the session (env HFLOGIN_STORAGE)').choices([
          'keychain',
          'file',
        ]),
      ),
  examples: [
    'hflogin login --endpoint https://tenant.logto.app --app-id <app id>',
    'hflogin login                      # the profile remembers the tenant',
    'hflogin login --device             # sign in with a code on another device',
    'hflogin login --no-connector --sign-up',
    'hflogin login --resource https://api.example.com --organization <org id>',
    'hflogin login --select-account     # sign in as another Hugging Face account',
  ],
  parse: ({ flags }) => {
    const connector = flags.connector;
    const selectAccount = flags.selectAccount === true;
    if (selectAccount && flags.prompt !== undefined)
      throw usageError(
        `--select-account sends prompt=${selectAccountPrompt} itself.`,
        'Leave out --prompt, or --select-account.',
      );
    if (selectAccount && flags.device === true)
      throw usageError(
        '--select-account works with the browser sign-in; with --device the account is chosen in the browser that approves the code.',
        'Leave out --select-account; to choose another account there, sign out of Logto in that browser first (hflogin logout --browser does it on this machine).',
      );
    return {
      ...globalOptions(flags),
      endpoint: optionalString(flags.endpoint),
      appId: optionalString(flags.appId),
      device: flags.device === true,
      deviceAppId: optionalString(flags.deviceAppId),
      // --no-connector is false; absent is undefined (then the profile's, else huggingface).
      connector: connector === false ? false : optionalString(connector),
      signUp: flags.signUp === true,
      scope: stringList(flags.scope),
      resource: stringList(flags.resource),
      organization: optionalString(flags.organization),
      loginHint: optionalString(flags.loginHint),
      prompt: selectAccount ? selectAccountPrompt : (optionalString(flags.prompt) ?? refreshTokenPrompt),
      selectAccount,
      port: typeof flags.port === 'number' ? flags.port : 0,
      browser: flags.browser !== false,
      timeout: typeof flags.timeout === 'number' ? flags.timeout : 300,
      // commander's .choices() has checked it.
      storage: optionalString(flags.storage) as StorageKind | undefined,
    };
  },
  load: async () => (await import('./run.js')).runLogin,
});

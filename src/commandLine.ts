import { Command, Option } from 'commander';

import type { CommandDeps } from './commands/deps.js';
import { usageError } from './io/errors.js';

/**
 * The command line: every command's name, options and help, and nothing else. Each action loads
 * its command's module only when it runs, so `--version`, `--help` and every other command start
 * without parsing the OIDC client, prompts or the browser opener (startup is a feature).
 */
type Options = Record<string, unknown>;

/** The settings `config` knows (commands/config.ts; a unit test keeps the two lists equal). */
export const settingNames = ['endpoint', 'app-id', 'device-app-id', 'connector', 'storage'];

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(/[\s,]+/).filter(Boolean)];
}

function wholeNumber(name: string, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0 || number > max)
      throw usageError(`${name} must be a whole number from 0 to ${max}.`);
    return number;
  };
}

export function defineCommands(program: Command, deps: CommandDeps): void {
  const options = <T>(command: Command) => command.optsWithGlobals<Options>() as T;

  program
    .command('login')
    .description(
      'sign in through your browser (Hugging Face preselected) and keep the session in the OS keychain',
    )
    .option('--endpoint <url>', 'Logto tenant endpoint, e.g. https://tenant.logto.app (env HFLOGIN_ENDPOINT)')
    .option('--app-id <id>', 'Logto Native app ID (env HFLOGIN_APP_ID)')
    .option('--device', 'sign in with a code on any device (the device flow) instead of a browser here')
    .option('--device-app-id <id>', 'App ID of the Logto device-flow app (env HFLOGIN_DEVICE_APP_ID)')
    .option(
      '--connector <target>',
      "social connector to go straight to (default: the profile's, else huggingface)",
    )
    .option('--no-connector', "show Logto's own sign-in page instead")
    .option('--sign-up', 'open the sign-up page', false)
    .option('--scope <scope>', 'extra scope to request (repeatable; added to the defaults)', collect, [])
    .option('--resource <uri>', 'API resource to request access to (repeatable)', collect, [])
    .option('--organization <id>', 'organization to sign in to')
    .option('--login-hint <hint>', 'pre-fill the username or email')
    .option('--prompt <prompt>', 'OIDC prompt', 'consent')
    .option(
      '--port <port>',
      'loopback port for the callback (default: a free one)',
      wholeNumber('--port', 65_535),
      0,
    )
    .option(
      '--no-browser',
      'do not open a browser; print the URL (and, on a terminal, accept the pasted result)',
    )
    .option('--timeout <seconds>', 'how long to wait for the sign-in', wholeNumber('--timeout', 86_400), 300)
    .addOption(
      new Option('--storage <kind>', 'where to keep the session (env HFLOGIN_STORAGE)').choices([
        'keychain',
        'file',
      ]),
    )
    .addHelpText(
      'after',
      examples([
        'hflogin login --endpoint https://tenant.logto.app --app-id <app id>',
        'hflogin login                      # the profile remembers the tenant',
        'hflogin login --device             # sign in with a code on another device',
        'hflogin login --no-connector --sign-up',
        'hflogin login --resource https://api.example.com --organization <org id>',
      ]),
    )
    .action(async (_options: unknown, command: Command) => {
      const { runLogin } = await import('./commands/login.js');
      await runLogin(options(command), deps);
    });

  program
    .command('whoami')
    .description('show who is signed in: the Logto user and the Hugging Face identity')
    .option('--json', 'one JSON object on stdout (schemaVersion 1)')
    .addHelpText('after', examples(['hflogin whoami', 'hflogin whoami --json | jq -r .huggingface.username']))
    .action(async (_options: unknown, command: Command) => {
      const { runWhoami } = await import('./commands/whoami.js');
      await runWhoami(options(command), deps);
    });

  program
    .command('status')
    .description('every profile: endpoint, user, token state, storage (exit 4 if the active one is unusable)')
    .option('--json', 'one JSON object on stdout (schemaVersion 1)')
    .addHelpText('after', examples(['hflogin status', 'hflogin status --json']))
    .action(async (_options: unknown, command: Command) => {
      const { runStatus } = await import('./commands/status.js');
      await runStatus(options(command), deps);
    });

  program
    .command('token')
    .description('print a valid access token on stdout (refreshing it first if needed)')
    .option('--resource <uri>', 'a JWT for this API resource (RFC 8707)')
    .option('--organization <id>', 'an organization token')
    .option('--json', 'one JSON object on stdout (schemaVersion 1)')
    .addHelpText(
      'after',
      examples([
        'curl -H "Authorization: Bearer $(hflogin token)" https://tenant.logto.app/oidc/me',
        'hflogin token --resource https://api.example.com',
        'hflogin token --organization <org id> --json',
      ]),
    )
    .action(async (_options: unknown, command: Command) => {
      const { runToken } = await import('./commands/token.js');
      await runToken(options(command), deps);
    });

  program
    .command('logout')
    .description('revoke the session at Logto and remove it from this machine')
    .option('--all', 'sign out of every profile')
    .addHelpText(
      'after',
      examples(['hflogin logout', 'hflogin logout --all', 'hflogin --profile work logout']),
    )
    .action(async (_options: unknown, command: Command) => {
      const { runLogout } = await import('./commands/logout.js');
      await runLogout(options(command), deps);
    });

  const config = program
    .command('config')
    .description(`read and change profile settings (${settingNames.join(', ')}); never secrets`)
    .addHelpText(
      'after',
      examples([
        'hflogin config set endpoint https://tenant.logto.app',
        'hflogin config set app-id <app id>',
        'hflogin --profile work config list',
      ]),
    );
  config
    .command('get <key>')
    .description('print one setting of the profile (exit 1 if it is not set)')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { runConfigGet } = await import('./commands/config.js');
      await runConfigGet(name, options(command), deps);
    });
  config
    .command('set <key> <value>')
    .description('change one setting of the profile')
    .action(async (name: string, value: string, _options: unknown, command: Command) => {
      const { runConfigSet } = await import('./commands/config.js');
      await runConfigSet(name, value, options(command), deps);
    });
  config
    .command('unset <key>')
    .description('remove one setting from the profile')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { runConfigUnset } = await import('./commands/config.js');
      await runConfigUnset(name, options(command), deps);
    });
  config
    .command('init')
    .description('set up the profile by answering a few questions (needs a terminal)')
    .action(async (_options: unknown, command: Command) => {
      const { runConfigInit } = await import('./commands/configInit.js');
      await runConfigInit(options(command), deps);
    });
  config
    .command('list')
    .description("print the profile's settings as key=value (every profile with --json)")
    .action(async (_options: unknown, command: Command) => {
      const { runConfigList } = await import('./commands/config.js');
      await runConfigList(options(command), deps);
    });

  program
    .command('doctor')
    .description(
      'check everything a sign-in needs: tenant, discovery, clock, TLS, keychain, browser, proxy, loopback',
    )
    .option('--json', 'one JSON object on stdout (schemaVersion 1)')
    .option(
      '--port <port>',
      'check that this loopback port is free (as login --port)',
      wholeNumber('--port', 65_535),
      0,
    )
    .addHelpText(
      'after',
      examples(['hflogin doctor', 'hflogin doctor --json | jq .checks', 'hflogin --profile work doctor']),
    )
    .action(async (_options: unknown, command: Command) => {
      const { runDoctor } = await import('./commands/doctor.js');
      await runDoctor(options(command), deps);
    });

  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      examples([
        'eval "$(hflogin completion bash)"   # in ~/.bashrc',
        'eval "$(hflogin completion zsh)"    # in ~/.zshrc',
        'hflogin completion fish | source     # in config.fish',
      ]),
    )
    .action(async (shell: string) => {
      if (!['bash', 'zsh', 'fish'].includes(shell))
        throw usageError(`No completion for "${shell}".`, 'Use bash, zsh or fish.');
      const { completionScript } = await import('./completion.js');
      deps.stdout.write(completionScript(shell, program));
    });
}

function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

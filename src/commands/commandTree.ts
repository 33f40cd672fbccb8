import { Command, Help, Option } from 'commander';

import { version } from '../version.js';
import { completesWith } from './completionValues.js';
import { registerCommands, type OnCommand } from './register.js';
import { commands } from './registry.js';

/**
 * hflogin's whole command line as commander commands: the global options, then every command of
 * the registry. The program parses with it; `completion` generates its scripts from it, so the two
 * never drift apart.
 */
export function commandTree(onCommand: OnCommand): Command {
  const program = new Command();
  program
    .name('hflogin')
    .description('Sign in to a Logto tenant from your terminal, with Hugging Face preselected.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(
      completesWith(new Option('-p, --profile <name>', 'profile to use (env HFLOGIN_PROFILE)'), 'profiles'),
    )
    .option('--json', 'one JSON document on stdout, on failure too')
    .option('--debug', 'trace every request on stderr, secrets redacted (env HFLOGIN_DEBUG=1)')
    .option('--no-color', 'no colour in output')
    // Each command's help lists the global options too (`login --help` mentions --json), but for
    // --version, which answers for the program, not for a command.
    .configureHelp({
      showGlobalOptions: true,
      visibleGlobalOptions(this: Help, command: Command) {
        return Help.prototype.visibleGlobalOptions
          .call(this, command)
          .filter((option) => option.long !== '--version');
      },
    });
  registerCommands(program, commands, onCommand);
  return program;
}

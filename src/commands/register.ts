import { Command } from 'commander';

import { examplesText, type CommandDefinition, type ParsedLine } from './command.js';
import { completesWith } from './completionValues.js';

/** What happens when commander has matched a command: run it, or (in tests) just record it. */
export type OnCommand = (definition: CommandDefinition<never>, line: ParsedLine) => Promise<void>;

/** Adds the definitions (and their subcommands) to `parent` as commander commands. */
export function registerCommands(
  parent: Command,
  definitions: ReadonlyArray<CommandDefinition<never>>,
  onCommand: OnCommand,
): void {
  for (const definition of definitions) {
    const command = parent
      .command(definition.name, { hidden: definition.hidden === true })
      .description(definition.summary);
    definition.configure?.(command);
    definition.argumentValues?.forEach((values, index) =>
      completesWith(command.registeredArguments[index]!, values),
    );
    if (definition.examples) command.addHelpText('after', examplesText(definition.examples));
    if (definition.subcommands) registerCommands(command, definition.subcommands, onCommand);
    if (definition.load) {
      command.action(async (...received: unknown[]) => {
        // commander passes the positional arguments, then the options object, then the command.
        const self = received.at(-1) as Command;
        const args = received.slice(0, -2).map(String);
        await onCommand(definition, { flags: self.optsWithGlobals(), args });
      });
    }
  }
}

import { configDir } from '../../config/paths.js';
import { assertProfileName, readConfig } from '../../config/profiles.js';
import { writeText } from '../../io/terminal.js';
import type { CommandDeps } from '../deps.js';

export interface CompleteValuesOptions {
  /** What to list: `profiles` (anything else lists nothing). */
  kind: string;
}

/**
 * The profile names of the config directory in force, one a line, for `--profile <TAB>`. A
 * completion must never get in the way: a missing, unreadable or refused config prints nothing, and
 * only names a profile may have are printed (nothing a shell would split or expand).
 */
export async function runCompleteValues(options: CompleteValuesOptions, deps: CommandDeps): Promise<void> {
  if (options.kind !== 'profiles') return;
  let names: string[];
  try {
    names = Object.keys((await readConfig(configDir(deps.env))).profiles);
  } catch {
    return;
  }
  const valid = names.filter((name) => {
    try {
      return assertProfileName(name) === name;
    } catch {
      return false;
    }
  });
  writeText(
    deps.stdout,
    valid
      .sort()
      .map((name) => `${name}\n`)
      .join(''),
  );
}

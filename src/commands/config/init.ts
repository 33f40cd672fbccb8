import { readConfig } from '../../config/profiles.js';
import { resolveSettings } from '../../config/settings.js';
import { usageError } from '../../io/errors.js';
import { writeJson, writeLine } from '../../io/terminal.js';
import { isInteractive } from '../../io/terminalInput.js';
import { askTenantSetup } from '../../signIn/tenantSetup.js';
import type { CommandDeps } from '../deps.js';
import { byCliNames } from './run.js';

/** `hflogin config init`: asks for the tenant (checked by fetching its discovery) and saves the profile. */
export async function runConfigInit(
  options: { profile?: string; json?: boolean },
  deps: CommandDeps,
): Promise<void> {
  const settings = await resolveSettings({ profile: options.profile }, deps.env);
  if (!isInteractive(deps.stdin, deps.stderr)) {
    throw usageError(
      'hflogin config init asks questions, so it needs a terminal.',
      'Without one, set the profile with hflogin config set endpoint|app-id <value>, or HFLOGIN_ENDPOINT and HFLOGIN_APP_ID.',
    );
  }
  await askTenantSetup(settings.profile, settings.configDir, deps);
  writeLine(
    deps.stderr,
    `Next: hflogin login${settings.profile === 'default' ? '' : ` --profile ${settings.profile}`}`,
  );
  // --json: what was saved, as `config list --json` names it.
  if (options.json) {
    const saved = (await readConfig(settings.configDir)).profiles[settings.profile] ?? {};
    writeJson(deps.stdout, { schemaVersion: 1, profile: settings.profile, settings: byCliNames(saved) });
  }
}

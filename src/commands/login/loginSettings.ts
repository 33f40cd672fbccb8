import { requireTenant, resolveSettings, type Settings } from '../../config/settings.js';
import { ExitCode, HfloginError } from '../../io/errors.js';
import { isInteractive } from '../../io/terminalInput.js';
import {
  uiLocalesFromEnv,
  validateChoices,
  type SignInChoices,
} from '../../logto/authorizationParameters.js';
import { offerTenantSetup } from '../../signIn/tenantSetup.js';
import type { CommandDeps } from '../deps.js';
import type { LoginOptions } from './loginOptions.js';
import { ErrorCode } from '../../io/errorCodes.js';

/** What a login signs in to, and how. */
export interface LoginSettings {
  settings: Settings;
  endpoint: string;
  /** The native app (the browser sign-in); absent with --device. */
  appId: string | undefined;
  /** The tenant's device-flow app, when one is configured (flag > env > profile). */
  deviceAppId: string | undefined;
  choices: SignInChoices;
}

/**
 * The settings in force (offering the setup on a first run at a terminal), the sign-in choices
 * checked, and the tenant the chosen way of signing in needs (or a usage error naming the flags).
 * `beforeQuestions` runs with the settings as they are, before the setup asks or saves anything:
 * the storage check, so that a machine whose keychain cannot be used is told so first.
 */
export async function loginSettings(
  options: LoginOptions,
  deps: CommandDeps,
  beforeQuestions: (settings: Settings) => Promise<void>,
): Promise<LoginSettings> {
  // The flags are checked before any question is asked: a bad --prompt is refused at once.
  signInChoices(options, undefined, deps.env);
  await beforeQuestions(await resolveSettings(options, deps.env));
  const settings = await settingsOrFirstRunSetup(options, deps);
  const choices = signInChoices(options, settings, deps.env);
  return { settings, ...tenantFor(options, settings), deviceAppId: settings.deviceAppId, choices };
}

async function settingsOrFirstRunSetup(options: LoginOptions, deps: CommandDeps): Promise<Settings> {
  const settings = await resolveSettings(options, deps.env);
  if ((!settings.endpoint || !settings.appId) && !options.device && isInteractive(deps.stdin, deps.stderr)) {
    // First run on a terminal: offer the setup instead of an error about flags.
    if (await offerTenantSetup(settings.profile, deps)) return resolveSettings(options, deps.env);
  }
  return settings;
}

/** The connector: --connector / --no-connector, else the profile's ("none": none), else Hugging Face. */
function signInChoices(
  options: LoginOptions,
  settings: Settings | undefined,
  env: NodeJS.ProcessEnv,
): SignInChoices {
  const saved = settings?.saved.connector;
  const connector = options.connector ?? (saved === 'none' ? false : (saved ?? 'huggingface'));
  return validateChoices({
    connector,
    signUp: options.signUp,
    scopes: options.scope,
    resources: options.resource,
    organizationId: options.organization,
    loginHint: options.loginHint,
    prompt: options.prompt,
    uiLocales: uiLocalesFromEnv(env),
  });
}

/** The browser sign-in needs the endpoint and the native app; the device flow, the device-flow app. */
function tenantFor(
  options: LoginOptions,
  settings: Settings,
): { endpoint: string; appId: string | undefined } {
  if (!options.device) return requireTenant(settings);
  if (!settings.endpoint) requireTenant(settings);
  if (!settings.deviceAppId) {
    throw new HfloginError('The device flow needs the App ID of a Logto app of the "device flow" kind.', {
      code: ErrorCode.deviceAppMissing,
      exitCode: ExitCode.usage,
      hint: 'Pass --device-app-id, set HFLOGIN_DEVICE_APP_ID, or run hflogin config set device-app-id <id>.',
    });
  }
  return { endpoint: settings.endpoint!, appId: undefined };
}

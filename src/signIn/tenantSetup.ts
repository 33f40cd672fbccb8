import type { Writable } from 'node:stream';

import { endpointString, parseEndpoint } from '../config/endpoint.js';
import { updateProfile } from '../config/profiles.js';
import { resolveSettings } from '../config/settings.js';
import { HfloginError } from '../io/errors.js';
import type { HttpClient } from '../io/httpClient.js';
import { writeLine } from '../io/terminal.js';
import { askLine, type TerminalInput } from '../io/terminalInput.js';
import { connectorTarget } from '../logto/authorizationParameters.js';
import { fetchDiscovery } from '../oauth/discovery.js';

/**
 * The questions that name the tenant to sign in to (`config init`, and the first `login` with
 * nothing configured): in this lower module so that neither command imports the other.
 */
export interface TenantSetupDeps {
  stdin: TerminalInput;
  stderr: Writable;
  signal: AbortSignal;
  http: HttpClient;
  env: NodeJS.ProcessEnv;
  now: () => number;
}

/** Whether `endpoint` serves Logto's discovery; true, or what is wrong with it. */
async function checkEndpoint(value: string, deps: TenantSetupDeps): Promise<true | string> {
  let endpoint: string;
  try {
    endpoint = endpointString(parseEndpoint(value));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  let failure: HfloginError | undefined;
  try {
    failure = (await fetchDiscovery(endpoint, deps)).failure;
  } catch (error) {
    failure = error instanceof HfloginError ? error : undefined;
    if (!failure) throw error;
  }
  return failure ? `${failure.message}${failure.hint ? ` ${failure.hint}` : ''}` : true;
}

/** The questions `config init` asks; saves the profile. */
export async function askTenantSetup(
  profile: string,
  configDir: string,
  deps: TenantSetupDeps,
): Promise<void> {
  const io = { stdin: deps.stdin, stderr: deps.stderr, signal: deps.signal };
  const endpoint = await askLine(
    'Logto endpoint (the tenant URL, e.g. https://tenant.logto.app):',
    (value) => checkEndpoint(value, deps),
    io,
  );
  const appId = await askLine(
    'App ID of the Logto Native app:',
    (value) => (value.trim() ? true : 'The App ID is on the app’s page in the Logto Console.'),
    io,
  );
  const deviceAppId = await askLine('App ID of a device-flow app (optional; Enter to skip):', () => true, io);
  const connector = await askLine(
    'Social connector to go straight to ("none" for Logto’s own page):',
    (value) =>
      value.trim() === 'none' || connectorTarget.test(value.trim())
        ? true
        : 'A connector target, e.g. huggingface, or none.',
    io,
    'huggingface',
  );
  await updateProfile(configDir, profile, {
    endpoint: endpointString(parseEndpoint(endpoint)),
    appId: appId.trim(),
    ...(deviceAppId.trim() ? { deviceAppId: deviceAppId.trim() } : {}),
    connector: connector.trim(),
  });
  writeLine(deps.stderr, `Saved profile "${profile}".`);
}

/** The first login with nothing configured, on a terminal: offer the setup. True when it ran. */
export async function offerTenantSetup(profile: string, deps: TenantSetupDeps): Promise<boolean> {
  const answer = await askLine(
    `No tenant is configured for profile "${profile}". Set it up now? (Y/n)`,
    (value) => (/^(y|yes|n|no)?$/i.test(value.trim()) ? true : 'Answer y or n.'),
    { stdin: deps.stdin, stderr: deps.stderr, signal: deps.signal },
  );
  if (/^n/i.test(answer.trim())) return false;
  const settings = await resolveSettings({ profile }, deps.env);
  await askTenantSetup(profile, settings.configDir, deps);
  return true;
}

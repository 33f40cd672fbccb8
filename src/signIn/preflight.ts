import type { Writable } from 'node:stream';

import type { DebugLog } from '../io/debug.js';
import type { HttpClient } from '../io/httpClient.js';
import { writeLine } from '../io/terminal.js';
import { appCheckFailure, checkAuthorizationApp, checkDeviceApp } from '../logto/appCheck.js';
import { enableConnectorWhere, fetchEnabledConnectors } from '../logto/signInExperience.js';
import type { ProviderContext } from '../oauth/provider.js';
import type { EmitLoginEvent } from './loginEvents.js';

/**
 * What a sign-in checks before any browser opens (or any device code is shown): that Logto knows the
 * app ID and accepts this sign-in's redirect URI, and that the preselected connector is enabled.
 * A wrong app ID or redirect URI would otherwise show as Logto's raw JSON in the browser while the
 * terminal waits for --timeout; a disabled connector as Logto's own page, unexplained.
 *
 * A refusal Logto states (unknown app, redirect URI not registered, not a device-flow app) stops the
 * sign-in with the fix (exit 2). Anything else — a 5xx, a network failure, an answer of another
 * shape — does not: discovery has just worked, so the sign-in itself may well work, and in the worst
 * case the browser shows what went wrong; only --debug says the check was unclear. Ctrl+C during a
 * check is Ctrl+C (exit 130).
 */

export interface PreflightDeps {
  http: HttpClient;
  signal: AbortSignal;
}

/** The browser sign-in's app ID and redirect URI (`http://127.0.0.1:<port>/callback`). */
export async function checkBrowserApp(
  provider: ProviderContext,
  redirectUri: string,
  deps: PreflightDeps,
  debug: DebugLog = () => {},
): Promise<void> {
  const clientId = String(provider.client.client_id);
  const check = await checkAuthorizationApp(
    deps.http,
    { authorizationEndpoint: provider.as.authorization_endpoint!, clientId, redirectUri },
    deps.signal,
  );
  debug(`app check (${clientId}, ${redirectUri}): ${describe(check)}`);
  const failure = appCheckFailure(check, { host: provider.host, clientId, redirectUri, kind: 'native' });
  if (failure) throw failure;
}

/** The device-flow app ID: known to Logto, and allowed the device flow. */
export async function checkDeviceFlowApp(
  provider: ProviderContext,
  deps: PreflightDeps,
  debug: DebugLog = () => {},
): Promise<void> {
  const clientId = String(provider.client.client_id);
  const endpoint = provider.as.device_authorization_endpoint;
  // No device endpoint in discovery: the device authorization itself will say so.
  if (!endpoint) return;
  const check = await checkDeviceApp(
    deps.http,
    { deviceAuthorizationEndpoint: endpoint, clientId },
    deps.signal,
  );
  debug(`device app check (${clientId}): ${describe(check)}`);
  const failure = appCheckFailure(check, { host: provider.host, clientId, kind: 'device' });
  if (failure) throw failure;
}

function describe(check: Awaited<ReturnType<typeof checkAuthorizationApp>>): string {
  return check.verdict === 'unclear' ? `unclear (${check.detail}); going on` : check.verdict;
}

/**
 * Whether the tenant has `target` enabled: true, false, or undefined when its sign-in experience
 * could not be read (then nothing is said but a --debug line).
 */
export async function connectorEnabled(
  endpoint: string,
  target: string | false,
  deps: PreflightDeps,
  debug: DebugLog = () => {},
): Promise<boolean | undefined> {
  if (target === false) return undefined;
  const answer = await fetchEnabledConnectors(deps.http, endpoint, deps.signal);
  if ('unknown' in answer) {
    debug(`connector check: could not read the sign-in experience (${answer.unknown})`);
    return undefined;
  }
  debug(`connector check: enabled social connectors [${answer.targets.join(', ')}]`);
  return answer.targets.includes(target);
}

/** Says (before the browser opens) that Logto will show its own page instead of the connector. */
export function warnConnectorDisabled(
  host: string,
  target: string,
  io: { stderr: Writable; emit: EmitLoginEvent },
): void {
  const message = `The "${target}" connector is not enabled at ${host}, so Logto will show its own sign-in page instead of going straight to it.`;
  const hint = `To go straight to it, enable it in ${enableConnectorWhere}; or pass --connector <target> / --no-connector.`;
  io.emit({ event: 'warning', code: 'connector_not_enabled', message, hint, connector: target });
  writeLine(io.stderr, `Warning: ${message}`);
  writeLine(io.stderr, `  ${hint}`);
}

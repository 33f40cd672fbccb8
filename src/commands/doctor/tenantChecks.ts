import type { Settings } from '../../config/settings.js';
import { HfloginError } from '../../io/errors.js';
import { ErrorCode } from '../../io/errorCodes.js';
import {
  appCheckFailure,
  checkAuthorizationApp,
  checkDeviceApp,
  type AppCheck,
} from '../../logto/appCheck.js';
import { issuerOf } from '../../logto/issuer.js';
import { enableConnectorWhere, fetchEnabledConnectors } from '../../logto/signInExperience.js';
import { fetchDiscovery } from '../../oauth/discovery.js';
import { clockToleranceSeconds } from '../../oauth/tolerance.js';
import type { CommandDeps } from '../deps.js';
import { failed, note, ok, skipped, type Check } from './checks.js';

/** The tenant's settings: an endpoint, and an app for the browser (or at least one for --device). */
export function tenantCheck(settings: Settings): Check {
  const { endpoint, appId, deviceAppId, profile } = settings;
  const fix =
    'Run hflogin config init, or hflogin config set endpoint <url> and hflogin config set app-id <id>.';
  if (!endpoint) return failed('tenant', `profile "${profile}" has no endpoint`, fix);
  if (appId) return ok('tenant', `${endpoint}, app ${appId} (profile "${profile}")`);
  if (deviceAppId) {
    return note(
      'tenant',
      `${endpoint}, device-flow app ${deviceAppId} only (profile "${profile}"): only hflogin login --device can sign in`,
      'For the browser sign-in, hflogin config set app-id <Native app ID>.',
    );
  }
  return failed('tenant', `profile "${profile}" has no app ID`, fix);
}

/** What the tenant checks after discovery need from it: its endpoints, or why they cannot run. */
type Discovered = { metadata: Record<string, unknown> } | { unavailable: string };

/**
 * Discovery, the clock against the provider's Date header, and TLS trust: one request. A cause is
 * reported once: an unreachable endpoint fails discovery and skips the clock (and, for https, TLS);
 * an untrusted certificate fails TLS and skips discovery and the clock; a broken proxy in the way
 * (`blockedBy`) skips all three, the proxy check having failed.
 */
export async function providerChecks(
  endpoint: string | undefined,
  blockedBy: string | undefined,
  deps: CommandDeps,
): Promise<{ checks: Check[]; discovered: Discovered }> {
  if (!endpoint) {
    const why = 'no endpoint to check (see tenant)';
    return {
      checks: [skipped('discovery', why), skipped('clock', why), skipped('tls', why)],
      discovered: { unavailable: why },
    };
  }
  if (blockedBy) {
    return {
      checks: [skipped('discovery', blockedBy), skipped('clock', blockedBy), skipped('tls', blockedBy)],
      discovered: { unavailable: blockedBy },
    };
  }
  const issuer = issuerOf(endpoint);
  const host = issuer.host;
  const https = issuer.protocol === 'https:';
  const plainHttp = ok('tls', `plain HTTP to ${host} (allowed on loopback only)`);
  try {
    const answer = await fetchDiscovery(endpoint, deps, deps.signal);
    const { startedAt: started, elapsedMs: elapsed, date, failure: wrong } = answer;
    const discovery = wrong
      ? failed('discovery', wrong.message, wrong.hint ?? `Check that ${endpoint} is right.`)
      : ok('discovery', `${issuer.href} answered in ${elapsed} ms`);
    let clock: Check;
    if (date === undefined) {
      clock = ok('clock', 'the provider sent no Date header to compare with');
    } else {
      // The Date header has one-second resolution, and the answer took `elapsed` to arrive.
      const skew = Math.round((date - (started + elapsed / 2)) / 1000);
      clock =
        Math.abs(skew) <= clockToleranceSeconds
          ? ok('clock', `within ${Math.max(1, Math.abs(skew))} s of ${host}`)
          : failed(
              'clock',
              `${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} ${host}`,
              "Synchronise this machine's clock (e.g. enable NTP): tokens will look expired or not yet valid.",
            );
    }
    const tls = https ? ok('tls', `the certificate of ${host} is trusted`) : plainHttp;
    return {
      checks: [discovery, clock, tls],
      discovered: answer.metadata
        ? { metadata: answer.metadata }
        : { unavailable: `needs ${issuer.href}'s discovery (see discovery)` },
    };
  } catch (error) {
    if (!(error instanceof HfloginError)) throw error;
    if (error.code === ErrorCode.interrupted) throw error;
    if (error.code === ErrorCode.tlsUntrusted) {
      const why = `needs a trusted TLS connection to ${host} (see tls)`;
      return {
        checks: [
          skipped('discovery', why),
          skipped('clock', why),
          failed('tls', error.message, error.hint ?? 'Trust the CA with NODE_EXTRA_CA_CERTS.'),
        ],
        discovered: { unavailable: why },
      };
    }
    const why = `could not reach ${host} (see discovery)`;
    return {
      checks: [
        failed('discovery', error.message, error.hint ?? `Check that ${endpoint} is right and reachable.`),
        skipped('clock', why),
        https ? skipped('tls', why) : plainHttp,
      ],
      discovered: { unavailable: why },
    };
  }
}

/** An app check's answer as a line: the refusal with its fix, or why it could not tell. */
function appLine(name: string, check: AppCheck, refusal: HfloginError | undefined, accepted: string): Check {
  if (refusal) return failed(name, refusal.message, refusal.hint!);
  if (check.verdict === 'unclear') return skipped(name, `could not tell: Logto answered ${check.detail}`);
  return ok(name, accepted);
}

/**
 * The pre-flight of `login` (logto/appCheck.ts): Logto knows the app ID and accepts the redirect URI
 * a sign-in on `port` would use (the port `--port` names, or the one the loopback check got).
 */
export async function appCheck(
  settings: Settings,
  discovered: Discovered,
  port: number | undefined,
  deps: CommandDeps,
): Promise<Check> {
  if (!settings.appId) return skipped('app', 'no app ID to check (see tenant)');
  if ('unavailable' in discovered) return skipped('app', discovered.unavailable);
  const redirectUri = `http://127.0.0.1${port ? `:${port}` : ''}/callback`;
  const host = issuerOf(settings.endpoint!).host;
  const check = await checkAuthorizationApp(
    deps.http,
    {
      authorizationEndpoint: String(discovered.metadata.authorization_endpoint),
      clientId: settings.appId,
      redirectUri,
    },
    deps.signal,
  );
  const refusal = appCheckFailure(check, { host, clientId: settings.appId, redirectUri, kind: 'native' });
  return appLine('app', check, refusal, `${host} knows the app ${settings.appId} and accepts ${redirectUri}`);
}

/** The device-flow app, when one is configured: known to Logto and allowed the device flow. */
export async function deviceAppCheck(
  settings: Settings,
  discovered: Discovered,
  deps: CommandDeps,
): Promise<Check> {
  const id = settings.deviceAppId;
  if (!id)
    return skipped(
      'device-app',
      'no device-flow app ID configured (only login --device needs one: hflogin config set device-app-id <id>)',
    );
  if ('unavailable' in discovered) return skipped('device-app', discovered.unavailable);
  const host = issuerOf(settings.endpoint!).host;
  const endpoint = discovered.metadata.device_authorization_endpoint;
  if (typeof endpoint !== 'string')
    return note(
      'device-app',
      `${host}'s discovery names no device authorization endpoint`,
      'The tenant does not offer the device flow: sign in with the browser, or paste-back.',
    );
  const check = await checkDeviceApp(
    deps.http,
    { deviceAuthorizationEndpoint: endpoint, clientId: id },
    deps.signal,
  );
  const refusal = appCheckFailure(check, { host, clientId: id, kind: 'device' });
  return appLine('device-app', check, refusal, `${host} knows the device-flow app ${id}`);
}

/**
 * The connector login goes straight to (the profile's, else Hugging Face) is enabled in the tenant's
 * sign-in experience. Not enabled is a note: Logto then shows its own sign-in page, where a sign-in
 * can still succeed.
 */
export async function connectorCheck(
  settings: Settings,
  discovered: Discovered,
  deps: CommandDeps,
): Promise<Check> {
  const saved = settings.saved.connector;
  if (saved === 'none') return skipped('connector', 'no connector is preselected (connector = none)');
  const target = saved ?? 'huggingface';
  if ('unavailable' in discovered) return skipped('connector', discovered.unavailable);
  const host = issuerOf(settings.endpoint!).host;
  const answer = await fetchEnabledConnectors(deps.http, settings.endpoint!, deps.signal);
  if ('unknown' in answer)
    return skipped('connector', `could not read the sign-in experience: ${answer.unknown}`);
  if (answer.targets.includes(target))
    return ok('connector', `"${target}" is enabled in ${host}'s sign-in experience`);
  const enabled = answer.targets.length > 0 ? answer.targets.map((name) => `"${name}"`).join(', ') : 'none';
  return note(
    'connector',
    `"${target}" is not enabled in ${host}'s sign-in experience (enabled: ${enabled}), so Logto shows its own sign-in page instead`,
    `Enable it in ${enableConnectorWhere}; or choose another: hflogin config set connector <target>.`,
  );
}

import type { StorageKind } from '../config/profiles.js';
import type { Settings } from '../config/settings.js';
import type { DebugLog } from '../io/debug.js';
import type { CriticalSection } from '../io/interrupt.js';
import type { HttpClient } from '../io/httpClient.js';
import type { ProcessTable } from '../io/machine.js';
import type { SecretStore } from '../storage/secretStore.js';
import { profileStorage } from './profileStorage.js';
import type { LockHolder } from './sessionLock.js';
import { SessionOwner } from './sessionOwner.js';
import { oauthTenantProvider, type TenantProvider } from './tenantProvider.js';

/** What the session owner needs from the process: passed in, so tests run it with fakes. */
export interface SessionEnvironment {
  now: () => number;
  http: HttpClient;
  processes: ProcessTable;
  signal: AbortSignal;
  critical: CriticalSection;
  openStore: (kind: StorageKind, configDir: string) => Promise<SecretStore>;
  /** One line for the person (stderr): what a wait is for. */
  notice: (text: string) => void;
  /** --debug: where the session is kept, and why a command waits for the lock. */
  debug?: DebugLog;
  /** The provider side; the real one over HTTP unless a test injects its own. */
  provider?: TenantProvider;
}

/**
 * How long to wait for another process holding the session lock. A holder does one request
 * (a refresh or a revocation, each bounded by the HTTP timeout) and a keychain write, and is
 * never evicted while alive: so wait for two such requests and then some before giving up.
 */
export function lockWaitMs(http: HttpClient): number {
  return Math.max(120_000, 2 * http.timeoutMs + 30_000);
}

/** The session owner of the profile the settings name, bound to the tenant they name. */
export async function openSession(
  settings: Settings,
  environment: SessionEnvironment,
): Promise<SessionOwner> {
  const store = await environment.openStore(settings.storage, settings.configDir);
  const waitMs = lockWaitMs(environment.http);
  environment.debug?.(
    `profile "${settings.profile}": session kept in ${store.kind === 'file' ? `a file under ${settings.configDir}` : 'the OS keychain'}`,
  );
  let told = false;
  const storage = profileStorage(
    store,
    { configDir: settings.configDir, profile: settings.profile },
    {
      waitMs,
      processes: environment.processes,
      now: environment.now,
      signal: environment.signal,
      onWait: (holder: LockHolder | undefined) => {
        if (told) return;
        told = true;
        environment.debug?.(
          `session lock of profile "${settings.profile}" held by ${holder ? `pid ${holder.pid} on ${holder.host}` : 'another process'}; waiting up to ${Math.round(waitMs / 1000)} s`,
        );
        environment.notice(
          `Waiting for another hflogin process${holder ? ` (pid ${holder.pid})` : ''} that is using the session of profile "${settings.profile}"…`,
        );
      },
    },
  );
  return new SessionOwner({
    storage,
    provider: environment.provider ?? oauthTenantProvider(environment, environment.signal),
    tenant: {
      profile: settings.profile,
      endpoint: settings.endpoint,
      appIds: [settings.appId, settings.deviceAppId].filter((id): id is string => Boolean(id)),
    },
    now: environment.now,
    critical: environment.critical,
    signal: environment.signal,
  });
}

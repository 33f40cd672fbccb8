import { ExitCode, HfloginError } from '../io/errors.js';
import type { StoredSession } from './session.js';

/**
 * The tenant the settings in force name (flags > environment > profile): a stored session is only
 * ever used for that tenant. `appIds` holds the app IDs that may own a session of this profile:
 * the Native app and, when configured, the device-flow app (a device sign-in's tokens belong to it).
 */
export interface TenantInForce {
  profile: string;
  endpoint: string | undefined;
  appIds: string[];
}

/**
 * Refuses a session that belongs to another tenant than the one the settings name (exit 2), so
 * that `HFLOGIN_ENDPOINT=https://tenant-b… hflogin token` can never print tenant A's token.
 */
export function assertSessionTenant(session: StoredSession, tenant: TenantInForce): void {
  const otherEndpoint = tenant.endpoint !== undefined && tenant.endpoint !== session.endpoint;
  const otherApp = tenant.appIds.length > 0 && !tenant.appIds.includes(session.appId);
  if (!otherEndpoint && !otherApp) return;
  const profileFlag = tenant.profile === 'default' ? '' : ` --profile ${tenant.profile}`;
  const stored = `${session.endpoint} (app ${session.appId})`;
  const named = `${tenant.endpoint ?? session.endpoint} (app ${tenant.appIds.join(' or ') || session.appId})`;
  throw new HfloginError(
    `The session of profile "${tenant.profile}" belongs to ${stored}, but the settings in force name ${named}.`,
    {
      code: 'tenant_mismatch',
      exitCode: ExitCode.usage,
      hint: `Sign in to that tenant with hflogin login${profileFlag} (it replaces the stored session), or use another profile with --profile <name>; check HFLOGIN_ENDPOINT, HFLOGIN_APP_ID and hflogin config list.`,
    },
  );
}

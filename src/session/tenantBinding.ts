import { profileFlag } from '../config/profiles.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import type { StoredSession } from './session.js';
import { ErrorCode } from '../io/errorCodes.js';

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

/** Whether `session` belongs to the tenant the settings name. */
export function isSessionOfTenant(session: StoredSession, tenant: TenantInForce): boolean {
  const otherEndpoint = tenant.endpoint !== undefined && tenant.endpoint !== session.endpoint;
  const otherApp = tenant.appIds.length > 0 && !tenant.appIds.includes(session.appId);
  return !otherEndpoint && !otherApp;
}

/**
 * Refuses a session that belongs to another tenant than the one the settings name (exit 2), so
 * that `HFLOGIN_ENDPOINT=https://tenant-b… hflogin token` can never print tenant A's token.
 * For a sign-out the hint says how to name the session's own tenant instead.
 */
export function assertSessionTenant(
  session: StoredSession,
  tenant: TenantInForce,
  purpose: 'use' | 'sign-out' = 'use',
): void {
  if (isSessionOfTenant(session, tenant)) return;
  const flag = profileFlag(tenant.profile);
  const stored = `${session.endpoint} (app ${session.appId})`;
  const named = `${tenant.endpoint ?? session.endpoint} (app ${tenant.appIds.join(' or ') || session.appId})`;
  const hint =
    purpose === 'sign-out'
      ? `To sign out of that session, name its tenant: HFLOGIN_ENDPOINT=${session.endpoint} HFLOGIN_APP_ID=${session.appId} hflogin logout${flag} (or hflogin logout --all).`
      : `Sign in to that tenant with hflogin login${flag} (it replaces the stored session), or use another profile with --profile <name>; check HFLOGIN_ENDPOINT, HFLOGIN_APP_ID and hflogin config list.`;
  throw new HfloginError(
    `The session of profile "${tenant.profile}" belongs to ${stored}, but the settings in force name ${named}.`,
    { code: ErrorCode.tenantMismatch, exitCode: ExitCode.usage, hint },
  );
}

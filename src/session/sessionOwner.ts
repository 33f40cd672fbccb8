import { profileFlag } from '../config/profiles.js';
import { ExitCode, HfloginError } from '../io/errors.js';
import type { CriticalSection } from '../io/interrupt.js';
import { interrupted } from '../io/wait.js';
import { certainlySeparateGrants, type GrantOwner } from '../logto/grants.js';
import { assertOrganizationsGranted } from '../logto/organizations.js';
import { refreshTokenRule } from '../logto/scopes.js';
import { audienceKey, type Audience } from './audience.js';
import { defaultToken, isFresh, sessionState, tokenTimes, type SessionState } from './freshness.js';
import type { ProfileStorage } from './profileStorage.js';
import type { AudienceToken, StoredSession } from './session.js';
import { assertSessionTenant, isSessionOfTenant, type TenantInForce } from './tenantBinding.js';
import {
  rotatedRefreshTokenOf,
  type PreparedRefresh,
  type RefreshAnswer,
  type TenantProvider,
} from './tenantProvider.js';
import { ErrorCode } from '../io/errorCodes.js';

export interface SessionOwnerDeps {
  storage: ProfileStorage;
  provider: TenantProvider;
  /** The tenant the settings in force name: a session of another tenant is refused (exit 2). */
  tenant: TenantInForce;
  now: () => number;
  /** Where the refresh → save runs: the first Ctrl+C lets it finish (io/interrupt.ts). */
  critical: CriticalSection;
  /** Ctrl+C outside the critical section (waiting for the lock, discovery, revocation). */
  signal: AbortSignal;
}

/** What `status` shows of one profile; never asks the provider. */
export interface SessionReport {
  state: SessionState;
  session: StoredSession | null;
  /** Why the state is what it is when something is wrong (unreadable, other tenant, storage). */
  problem: string | null;
  /** The error another command would end with for this profile, if any. */
  error: HfloginError | null;
}

/** What became of the grant of a session a sign-in replaced (SessionOwner.revokeReplaced). */
export type ReplacedRevocation =
  | { outcome: 'revoked' }
  /** The same account on the same app and tenant: maybe the new session's own grant (logto/grants.ts). */
  | { outcome: 'kept' }
  | { outcome: 'failed'; reason: string };

export type SignOutOutcome =
  | { kind: 'none' }
  | { kind: 'revoked'; session: StoredSession }
  | { kind: 'removed-unrevoked'; session: StoredSession; reason: string }
  | { kind: 'removed-unreadable' };

const interruptMessages = {
  finishing: 'Finishing saving the refreshed session…',
  abandoned:
    'Stopped before the refreshed session was saved: Logto has already rotated the refresh token, so this sign-in may now be lost (if the next command says so, run hflogin login).',
};

function notSignedIn(profile: string): HfloginError {
  return new HfloginError(`Not signed in (profile "${profile}").`, {
    code: ErrorCode.notSignedIn,
    exitCode: ExitCode.notSignedIn,
    hint: `Run hflogin login${profileFlag(profile)} to sign in.`,
  });
}

function refreshRefused(session: StoredSession, profile: string): HfloginError {
  return new HfloginError(
    `The session for ${new URL(session.endpoint).host} can no longer be refreshed: Logto refused its refresh token${
      session.refreshRefusedAt ? ` at ${session.refreshRefusedAt}` : ''
    }.`,
    {
      code: ErrorCode.refreshRefused,
      exitCode: ExitCode.notSignedIn,
      hint: `Run hflogin login${profileFlag(profile)} to sign in again.`,
    },
  );
}

function expiredWithoutRefresh(session: StoredSession, profile: string): HfloginError {
  return new HfloginError(
    `The session for ${new URL(session.endpoint).host} has expired and holds no refresh token.`,
    {
      code: ErrorCode.sessionExpired,
      exitCode: ExitCode.notSignedIn,
      hint: `Run hflogin login${profileFlag(profile)} to sign in again.`,
    },
  );
}

/** ` --resource <uri> --organization <id>`: the login flags that ask for `audience`. */
function audienceFlags(audience: Audience): string {
  return [
    audience.resource ? ` --resource ${audience.resource}` : '',
    audience.organization ? ` --organization ${audience.organization}` : '',
  ].join('');
}

/** A token for another audience needs a refresh token, which this session does not have. */
function noRefreshTokenFor(session: StoredSession, audience: Audience, profile: string): HfloginError {
  const what = [
    audience.resource ? `the API ${audience.resource}` : '',
    audience.organization ? `the organization ${audience.organization}` : '',
  ]
    .filter(Boolean)
    .join(' in ');
  const flags = audienceFlags(audience);
  return new HfloginError(
    `The session for ${new URL(session.endpoint).host} holds no refresh token, so hflogin cannot get a token for ${what}.`,
    {
      code: ErrorCode.noRefreshToken,
      exitCode: ExitCode.notSignedIn,
      hint: `Sign in again with hflogin login${profileFlag(profile)}${flags} (${refreshTokenRule}).`,
    },
  );
}

/**
 * OIDC Core §12.2: an ID token returned by a refresh MUST carry the same `iss`, `sub` and `aud` as
 * the one from the sign-in. Anything else is another account or another client: nothing is saved.
 */
function refreshIdentityProblem(
  session: StoredSession,
  answer: RefreshAnswer,
  issuer: string,
): string | null {
  const claims = answer.idTokenClaims;
  if (!claims) return null;
  if (claims.sub !== session.user.id)
    return `its ID token names another user (sub ${JSON.stringify(claims.sub)}; this session is ${JSON.stringify(session.user.id)})`;
  if (claims.iss !== issuer)
    return `its ID token names another issuer (${JSON.stringify(claims.iss)}; expected ${JSON.stringify(issuer)})`;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(session.appId))
    return `its ID token is for another app (aud ${JSON.stringify(claims.aud)}; expected ${JSON.stringify(session.appId)})`;
  return null;
}

/**
 * The one owner of a profile's session: every command asks it — a token for an audience, the
 * signed-in session, a completed sign-in to record, a sign-out, the state — and nothing else in
 * hflogin reads or writes a session or takes its lock.
 *
 * The dangerous moment is between Logto answering a refresh and the rotated refresh token being
 * saved: Logto revokes the whole grant when a rotated-out token comes back after its 3 s grace
 * (src/logto/refreshTokens.ts).
 * So a refresh is: discovery and JWKS first (outside the lock: they can be slow, and nothing is at
 * stake yet); then under the cross-process lock only re-read, refresh if still needed, verify,
 * save — inside a critical section that the first Ctrl+C cannot cut.
 */
export class SessionOwner {
  private migrated = false;

  constructor(private readonly deps: SessionOwnerDeps) {}

  get profile(): string {
    return this.deps.tenant.profile;
  }

  get storageKind(): ProfileStorage['kind'] {
    return this.deps.storage.kind;
  }

  /** The stored session of this tenant, or null when signed out. Exit 2 for another tenant's. */
  async stored(): Promise<StoredSession | null> {
    const session = await this.loadMigrating();
    if (session) assertSessionTenant(session, this.deps.tenant);
    return session;
  }

  /** The signed-in session, or exit 4 saying how to sign in. Never starts a sign-in. */
  async current(): Promise<StoredSession> {
    const session = await this.stored();
    if (!session) throw notSignedIn(this.profile);
    if (session.refreshRefusedAt) throw refreshRefused(session, this.profile);
    return session;
  }

  /**
   * A valid access token for `audience`, refreshed first when less than its margin is left (or,
   * with `force`, because the provider refused it). A failed refresh leaves the stored session as
   * it was; a refused one (invalid_grant) only marks it refused.
   */
  async accessToken(
    audience: Audience = {},
    options: { force?: boolean } = {},
  ): Promise<{ session: StoredSession; token: AudienceToken }> {
    const key = audienceKey(audience);
    const session = await this.current();
    const seen = tokenFor(session, key);
    if (!options.force && seen && isFresh(seen, this.deps.now())) return { session, token: seen };

    // Another process may be refreshing right now: wait for it (no request is made under this
    // short hold) and use what it saved, before spending a discovery on a refresh.
    const latest = await this.deps.storage.lock(() => this.deps.storage.load());
    const usable = this.usable(latest, key, seen, options.force);
    if (usable) return usable;
    let prepareFor = this.refreshable(latest, audience);
    for (;;) {
      const prepared = await this.deps.provider.prepareRefresh(prepareFor);
      if (this.deps.signal.aborted) throw interrupted();
      const outcome = await this.deps.storage.lock(async () => {
        const again = await this.deps.storage.load();
        const ready = this.usable(again, key, seen, options.force);
        if (ready) return ready;
        const target = this.refreshable(again, audience);
        // A sign-in of the tenant's other app (native or device) replaced the session meanwhile:
        // its refresh token must go out with its own client_id, so prepare for it first.
        if (target.endpoint !== prepared.endpoint || target.appId !== prepared.appId)
          return { retarget: target };
        return this.deps.critical(
          () => this.refreshAndSave(target, audience, key, prepared),
          interruptMessages,
        );
      });
      if (!('retarget' in outcome)) return outcome;
      prepareFor = outcome.retarget;
    }
  }

  /** Discovery for the session's tenant (whoami's userinfo when its endpoint was not saved). */
  discover(session: StoredSession): ReturnType<TenantProvider['discover']> {
    return this.deps.provider.discover(session);
  }

  /**
   * The session a sign-in would replace, whatever its tenant (a login may move the profile to
   * another one), or null: nothing stored, or nothing readable. Never refuses; never asks Logto.
   */
  async replaceable(): Promise<StoredSession | null> {
    return this.loadMigrating().catch(() => null);
  }

  /**
   * Saves a completed sign-in (login), replacing whatever the profile held, and returns what it
   * replaced, as it was under the lock (the latest rotation of its refresh token), for
   * `revokeReplaced`. Nothing is revoked here: until the new session is saved, the old one is the
   * profile's session and must stay valid.
   */
  async recordSignIn(session: StoredSession): Promise<StoredSession | null> {
    const replaced = await this.deps.storage.lock(async () => {
      const previous = await this.deps.storage.load().catch(() => null);
      await this.deps.storage.save(session);
      await this.forgetLegacy();
      return previous;
    });
    this.migrated = true;
    return replaced;
  }

  /**
   * Revokes at Logto the grant of a session `recordSignIn` replaced with `current`, unless the two
   * may be one grant (src/logto/grants.ts): the same account on the same app and tenant, whose
   * revocation would end the new session too. Never throws: the sign-in has succeeded whatever
   * becomes of the old grant. Ctrl+C stops the revocation, not the sign-in.
   */
  async revokeReplaced(replaced: StoredSession, current: StoredSession): Promise<ReplacedRevocation> {
    if (!certainlySeparateGrants(grantOwner(replaced), grantOwner(current))) return { outcome: 'kept' };
    try {
      await this.deps.provider.revoke(replaced, this.deps.signal);
      return { outcome: 'revoked' };
    } catch (error) {
      return { outcome: 'failed', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Revokes at the provider, then removes the session from this machine, under the lock so that no
   * refresh finishing in another process can write it back. Local removal happens even when the
   * provider cannot be reached (or Ctrl+C stops the revocation).
   */
  async signOut(options: { anyTenant?: boolean } = {}): Promise<SignOutOutcome> {
    await this.loadMigrating().catch(() => null);
    return this.deps.storage.lock(async () => {
      let session: StoredSession | null;
      try {
        session = await this.deps.storage.load();
      } catch (error) {
        // A damaged entry cannot be revoked, but it can still be removed.
        if (!(error instanceof HfloginError) || error.exitCode !== ExitCode.notSignedIn) throw error;
        await this.deps.storage.clear();
        return { kind: 'removed-unreadable' };
      }
      if (!session) return { kind: 'none' };
      // `logout --all` means every session of this config directory, whatever tenant is in force.
      if (!options.anyTenant) assertSessionTenant(session, this.deps.tenant, 'sign-out');
      let reason: string | undefined;
      try {
        await this.deps.provider.revoke(session, this.deps.signal);
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
      await this.deps.storage.clear();
      await this.forgetLegacy();
      return reason === undefined
        ? { kind: 'revoked', session }
        : { kind: 'removed-unrevoked', session, reason };
    });
  }

  /** The profile's state as `status` shows it, from storage alone (no network, no refresh). */
  async report(): Promise<SessionReport> {
    let session: StoredSession | null;
    try {
      session = await this.loadMigrating();
    } catch (error) {
      // Unreadable (exit 4) or a store that cannot be read (exit 6): a state. Anything else (a
      // lock wait given up, Ctrl+C) is the command's failure, not the profile's state.
      if (!(error instanceof HfloginError)) throw error;
      if (error.exitCode === ExitCode.storage)
        return { state: 'storage-unavailable', session: null, problem: error.message, error };
      if (error.exitCode === ExitCode.notSignedIn)
        return { state: 'needs-login', session: null, problem: error.message, error };
      throw error;
    }
    const state = sessionState(session, this.deps.now());
    if (session) {
      try {
        assertSessionTenant(session, this.deps.tenant);
      } catch (error) {
        return { state, session, problem: (error as HfloginError).message, error: error as HfloginError };
      }
    }
    const error =
      state === 'signed-out'
        ? notSignedIn(this.profile)
        : state === 'refresh-refused'
          ? refreshRefused(session!, this.profile)
          : state === 'needs-login'
            ? expiredWithoutRefresh(session!, this.profile)
            : null;
    return { state, session, problem: null, error };
  }

  /** The stored session, migrating once from the unscoped keychain name of earlier builds if it is this tenant's. */
  private async loadMigrating(): Promise<StoredSession | null> {
    const session = await this.deps.storage.load();
    if (session || this.migrated) return session;
    this.migrated = true;
    const legacy = this.deps.storage.legacy();
    if (!legacy) return null;
    const belongs = (candidate: StoredSession | null): candidate is StoredSession =>
      candidate !== null &&
      this.deps.tenant.endpoint !== undefined &&
      isSessionOfTenant(candidate, this.deps.tenant);
    // An unreadable or foreign legacy item is left alone: it may be another config directory's.
    if (!belongs(await legacy.load().catch(() => null))) return null;
    return this.deps.storage.lock(async () => {
      const now = await this.deps.storage.load();
      if (now) return now;
      const old = await legacy.load().catch(() => null);
      if (!belongs(old)) return null;
      await this.deps.storage.save(old);
      // The legacy item is shared by every config directory, whose locks are their own: two may
      // migrate it at once. Whoever removes it keeps the session; the other drops its copy, so one
      // grant never lives (and refreshes, and revokes itself) in two places.
      if (await legacy.clear()) return old;
      await this.deps.storage.clear();
      return null;
    });
  }

  /**
   * Removes this tenant's session from the legacy keychain name after a sign-in or sign-out here,
   * so that it cannot be migrated back later (a sign-out would otherwise bring it back).
   */
  private async forgetLegacy(): Promise<void> {
    const legacy = this.deps.storage.legacy();
    if (!legacy) return;
    const old = await legacy.load().catch(() => null);
    if (old && isSessionOfTenant(old, this.deps.tenant)) await legacy.clear().catch(() => false);
  }

  /** The token to use as it is, if `session` has a fresh one (and, when forced, a new one). */
  private usable(
    session: StoredSession | null,
    key: string,
    seen: AudienceToken | undefined,
    force: boolean | undefined,
  ): { session: StoredSession; token: AudienceToken } | undefined {
    if (!session) throw notSignedIn(this.profile);
    assertSessionTenant(session, this.deps.tenant);
    if (session.refreshRefusedAt) throw refreshRefused(session, this.profile);
    const token = tokenFor(session, key);
    if (!token) return undefined;
    const now = this.deps.now();
    // Without a refresh token nothing better can be had: the token serves until it expires.
    const lastResort = !session.refreshToken && !force && Date.parse(token.expiresAt) > now;
    if (!isFresh(token, now) && !lastResort) return undefined;
    // Forced because the provider refused `seen`: only a token another process got since will do.
    if (force && token.accessToken === seen?.accessToken) return undefined;
    return { session, token };
  }

  /** `session`, if a refresh for `audience` can be tried; else why not. */
  private refreshable(
    session: StoredSession | null,
    audience: Audience,
  ): StoredSession & { refreshToken: string } {
    if (!session) throw notSignedIn(this.profile);
    if (!session.refreshToken)
      throw audienceKey(audience) === ''
        ? expiredWithoutRefresh(session, this.profile)
        : noRefreshTokenFor(session, audience, this.profile);
    if (audience.organization) assertOrganizationsGranted(session.scopes, audience.organization);
    return session as StoredSession & { refreshToken: string };
  }

  /** The critical section: refresh, check the answer, save. Runs under the lock. */
  private async refreshAndSave(
    session: StoredSession & { refreshToken: string },
    audience: Audience,
    key: string,
    prepared: PreparedRefresh,
  ): Promise<{ session: StoredSession; token: AudienceToken }> {
    let answer: RefreshAnswer;
    try {
      answer = await prepared.refresh(session.refreshToken, audience);
    } catch (error) {
      const rotated = rotatedRefreshTokenOf(error);
      if (error instanceof HfloginError && rotated) {
        // Logto has rotated the refresh token but its answer failed a check: keep the new refresh
        // token (nothing else from the answer is used), or the next command would present the
        // spent one and Logto would revoke the grant.
        await this.deps.storage.save({
          ...session,
          refreshToken: rotated,
          savedAt: new Date(this.deps.now()).toISOString(),
        });
        throw new HfloginError(
          `${error.message} The rotated refresh token was kept, so the session is not lost.`,
          {
            code: error.code,
            exitCode: error.exitCode,
            hint: error.hint,
            cause: error,
          },
        );
      }
      if (key !== '' && isRefusal(error)) {
        // Logto (like oidc-provider) rotates the refresh token BEFORE it resolves the resource
        // (src/logto/refreshTokens.ts): a resource it refuses spends the refresh token without returning its
        // successor, and the grant dies when it is presented after the 3 s reuse grace (seen on a
        // real Logto 1.42: invalid_target, then "refresh token already used"). Within the grace it
        // still works once: refresh for the session's own audience at once, and keep that.
        await this.refreshAndSave(session, {}, '', prepared);
        throw audienceRefused(error, audience);
      }
      if (error instanceof HfloginError && error.code === ErrorCode.refreshRefused) {
        // Final: recorded, so status and every command agree, and nobody asks Logto again.
        await this.deps.storage.save({
          ...session,
          refreshRefusedAt: new Date(this.deps.now()).toISOString(),
        });
        throw refreshRefused(session, this.profile);
      }
      throw error;
    }
    const problem = refreshIdentityProblem(session, answer, prepared.issuer);
    if (problem) {
      throw new HfloginError(
        `Refused the refresh answer of ${new URL(session.endpoint).host}: ${problem}. Nothing was saved.`,
        {
          code: ErrorCode.refreshIdentityMismatch,
          exitCode: ExitCode.failed,
          hint: `The provider is misbehaving, or something answers in its place. Sign in again with hflogin login${profileFlag(this.profile)} if it persists.`,
        },
      );
    }
    const now = this.deps.now();
    const token: AudienceToken = {
      accessToken: answer.accessToken,
      tokenType: answer.tokenType.toLowerCase() === 'bearer' ? 'Bearer' : answer.tokenType,
      ...tokenTimes(now, answer.expiresIn),
      scope: answer.scope,
    };
    const updated = withToken(session, key, token, answer, now);
    await this.deps.storage.save(updated);
    return { session: updated, token };
  }
}

function grantOwner(session: StoredSession): GrantOwner {
  return { endpoint: session.endpoint, appId: session.appId, userId: session.user.id };
}

/** The provider said no (an OAuth error answer), as opposed to not answering. */
function isRefusal(error: unknown): error is HfloginError {
  return (
    error instanceof HfloginError &&
    (error.exitCode === ExitCode.failed || error.exitCode === ExitCode.notSignedIn)
  );
}

/** What a refused token for an API resource or organization means to the person. */
function audienceRefused(error: HfloginError, audience: Audience): HfloginError {
  const flags = audienceFlags(audience);
  if (error.code === ErrorCode.invalidTarget && audience.resource) {
    return new HfloginError(`This session was not granted access to ${audience.resource}.`, {
      code: ErrorCode.invalidTarget,
      exitCode: ExitCode.failed,
      hint: `Sign in again with hflogin login${flags}.`,
      cause: error,
    });
  }
  // invalid_grant for an audience while the session itself still refreshes: the grant does not
  // cover that audience.
  if (error.code === ErrorCode.refreshRefused) {
    return new HfloginError(
      `Logto refused a token for ${audience.resource ?? `the organization ${audience.organization}`} (invalid_grant); the session itself is fine.`,
      {
        code: ErrorCode.audienceRefused,
        exitCode: ExitCode.failed,
        hint: `Sign in again with hflogin login${flags} to be granted it.`,
        cause: error,
      },
    );
  }
  return error;
}

/** The cached token for an audience key ('' is the session's own access token). */
export function tokenFor(session: StoredSession, key: string): AudienceToken | undefined {
  return key === '' ? defaultToken(session) : session.audiences?.[key];
}

/** The session after a refresh: the rotated refresh token, and the new token in its place. */
function withToken(
  session: StoredSession,
  key: string,
  token: AudienceToken,
  answer: RefreshAnswer,
  now: number,
): StoredSession {
  const audiences = Object.fromEntries(
    Object.entries(session.audiences ?? {}).filter(([, cached]) => Date.parse(cached.expiresAt) > now),
  );
  const next: StoredSession = {
    ...session,
    refreshToken: answer.refreshToken ?? session.refreshToken,
    idToken: answer.idToken ?? session.idToken,
    audiences,
    savedAt: new Date(now).toISOString(),
  };
  if (key === '') {
    next.accessToken = token.accessToken;
    next.accessTokenExpiresAt = token.expiresAt;
    next.accessTokenIssuedAt = token.issuedAt;
    if (token.scope.length > 0) next.scopes = token.scope;
  } else {
    audiences[key] = token;
  }
  return next;
}

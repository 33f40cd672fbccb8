import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import { ExitCode, HfloginError } from '../../src/io/errors.js';
import { createInterruption, uninterruptible, type CriticalSection } from '../../src/io/interrupt.js';
import { audienceKey, audienceOfKey, describeAudience } from '../../src/session/audience.js';
import { profileStorage } from '../../src/session/profileStorage.js';
import { parseSession, serializeSession, type StoredSession } from '../../src/session/session.js';
import { SessionOwner } from '../../src/session/sessionOwner.js';
import type { RefreshAnswer, TenantProvider } from '../../src/session/tenantProvider.js';
import { FileStore } from '../../src/storage/fileStore.js';
import { KeychainStore } from '../../src/storage/keychainStore.js';
import { MemoryKeyring } from '../helpers/fakeDeps.js';
import { realMachine } from '../helpers/realMachine.js';

const endpoint = 'https://tenant-a.example';
const issuer = `${endpoint}/oidc`;
const appId = 'native-app';
const start = Date.parse('2026-11-24T12:00:00Z');

function storedSession(overrides: Partial<StoredSession> & { lifetimeS?: number; leftS?: number } = {}) {
  const { lifetimeS = 3600, leftS = 3000, ...rest } = overrides;
  const session: StoredSession = {
    schemaVersion: 1,
    endpoint,
    appId,
    accessToken: 'at-0',
    accessTokenExpiresAt: new Date(start + leftS * 1000).toISOString(),
    accessTokenIssuedAt: new Date(start + (leftS - lifetimeS) * 1000).toISOString(),
    refreshToken: 'rt-0',
    idToken: 'id-0',
    scopes: ['openid', 'offline_access'],
    user: { id: 'user-alice', username: null, name: 'Alice', email: null, picture: null },
    huggingface: null,
    savedAt: new Date(start).toISOString(),
    ...rest,
  };
  return session;
}

/** A provider whose refresh answers are scripted; it counts what it was asked. */
function fakeProvider(answer: (refreshToken: string) => Promise<RefreshAnswer> | RefreshAnswer) {
  const calls = { prepare: 0, prepared: [] as string[], refresh: [] as string[], revoke: [] as string[] };
  const provider: TenantProvider = {
    async prepareRefresh(session) {
      calls.prepare += 1;
      calls.prepared.push(session.appId);
      return {
        endpoint: session.endpoint,
        appId: session.appId,
        issuer,
        refresh: async (refreshToken) => {
          calls.refresh.push(`${session.appId}:${refreshToken}`);
          return answer(refreshToken);
        },
      };
    },
    async revoke(session) {
      calls.revoke.push(session.refreshToken ?? session.accessToken);
    },
    discover: () => Promise.reject(new Error('not in this test')),
  };
  return { provider, calls };
}

let rotation = 0;
function goodAnswer(overrides: Partial<RefreshAnswer['idTokenClaims'] & object> = {}): RefreshAnswer {
  rotation += 1;
  return {
    accessToken: `at-${rotation}`,
    tokenType: 'bearer',
    expiresIn: 3600,
    scope: ['openid', 'offline_access'],
    refreshToken: `rt-${rotation}`,
    idToken: `id-${rotation}`,
    idTokenClaims: { sub: 'user-alice', iss: issuer, aud: appId, ...overrides },
  };
}

function harness(options: {
  provider: TenantProvider;
  tenant?: { endpoint?: string; appIds?: string[] };
  critical?: CriticalSection;
  signal?: AbortSignal;
  waitMs?: number;
  now?: () => number;
}) {
  const configDir = mkdtempSync(join(tmpdir(), 'hflogin-owner-'));
  const store = new FileStore(configDir);
  const waits: unknown[] = [];
  const storage = profileStorage(
    store,
    { configDir, profile: 'default' },
    { waitMs: options.waitMs ?? 5_000, onWait: (holder) => waits.push(holder), ...realMachine },
  );
  const owner = new SessionOwner({
    storage,
    provider: options.provider,
    tenant: {
      profile: 'default',
      endpoint: options.tenant?.endpoint ?? endpoint,
      appIds: options.tenant?.appIds ?? [appId],
    },
    now: options.now ?? (() => start),
    critical: options.critical ?? uninterruptible,
    signal: options.signal ?? new AbortController().signal,
  });
  const seed = (session: StoredSession) => store.save('default', serializeSession(session));
  const storedText = () => store.load('default');
  const stored = async () => parseSession((await store.load('default'))!);
  return { owner, storage, seed, stored, storedText, configDir, waits };
}

/** An owner over an in-memory keychain, its items scoped as one config directory's. */
function keychainOwner(keyring: MemoryKeyring, scope: string, tenantEndpoint = endpoint) {
  return new SessionOwner({
    storage: profileStorage(
      new KeychainStore(keyring, scope),
      { configDir: mkdtempSync(join(tmpdir(), 'hflogin-owner-')), profile: 'default' },
      { waitMs: 2_000, ...realMachine },
    ),
    provider: fakeProvider(() => goodAnswer()).provider,
    tenant: { profile: 'default', endpoint: tenantEndpoint, appIds: [appId] },
    now: () => start,
    critical: uninterruptible,
    signal: new AbortController().signal,
  });
}

async function rejection(promise: Promise<unknown>): Promise<HfloginError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HfloginError);
  return error as HfloginError;
}

/** The Ctrl+C handling on a pretend stderr: what it said there, and the exits it asked for. */
function interruptionWithOutput() {
  const stderr = new PassThrough();
  let said = '';
  stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const exits: number[] = [];
  const interruption = createInterruption(stderr, (code) => exits.push(code));
  return { interruption, exits, said: () => said };
}

describe('the session owner', () => {
  it('fresh: hands out the stored token without asking the provider', async () => {
    const { provider, calls } = fakeProvider(() => goodAnswer());
    const { owner, seed } = harness({ provider });
    await seed(storedSession());
    const { token } = await owner.accessToken();
    expect(token.accessToken).toBe('at-0');
    expect(calls.prepare).toBe(0);
    expect((await owner.report()).state).toBe('valid');
  });

  it('expiring: refreshes inside min(60 s, a quarter of the lifetime), not before', async () => {
    const { provider, calls } = fakeProvider(() => goodAnswer());
    const { owner, seed } = harness({ provider });
    // A 120 s token: its margin is 30 s. With 40 s left it is used as it is…
    await seed(storedSession({ lifetimeS: 120, leftS: 40 }));
    expect((await owner.accessToken()).token.accessToken).toBe('at-0');
    expect(calls.refresh).toEqual([]);
    // …with 20 s left it is refreshed; status calls it expiring, not expired.
    await seed(storedSession({ lifetimeS: 120, leftS: 20 }));
    expect((await owner.report()).state).toBe('expiring');
    expect((await owner.accessToken()).token.accessToken).not.toBe('at-0');
    expect(calls.refresh).toEqual([`${appId}:rt-0`]);
    // An hour-long token with 57 s left is inside its 60 s margin: expiring.
    await seed(storedSession({ lifetimeS: 3600, leftS: 57 }));
    expect((await owner.report()).state).toBe('expiring');
  });

  it('expired: refreshes, saves the rotated refresh token and the new token with its issue time', async () => {
    const { provider, calls } = fakeProvider(() => goodAnswer());
    const { owner, seed, stored } = harness({ provider });
    await seed(storedSession({ leftS: -10 }));
    expect((await owner.report()).state).toBe('expired-refreshable');
    const { token } = await owner.accessToken();
    const saved = await stored();
    expect(calls.refresh).toEqual([`${appId}:rt-0`]);
    expect(saved.accessToken).toBe(token.accessToken);
    expect(saved.refreshToken).toBe(`rt-${rotation}`);
    expect(saved.accessTokenIssuedAt).toBe(new Date(start).toISOString());
    expect(saved.accessTokenExpiresAt).toBe(new Date(start + 3600_000).toISOString());
    expect(token.tokenType).toBe('Bearer');
  });

  it('refused: marks the session refused (keeping it), and never asks the provider again', async () => {
    const { provider, calls } = fakeProvider(() => {
      throw new HfloginError('refused', {
        code: 'refresh_refused',
        exitCode: ExitCode.notSignedIn,
        hint: 'h',
      });
    });
    const { owner, seed, stored } = harness({ provider });
    await seed(storedSession({ leftS: -10 }));
    const first = await rejection(owner.accessToken());
    expect([first.code, first.exitCode]).toEqual(['refresh_refused', 4]);
    const kept = await stored();
    expect(kept.refreshToken).toBe('rt-0');
    expect(kept.refreshRefusedAt).toBe(new Date(start).toISOString());
    const second = await rejection(owner.accessToken());
    expect([second.code, second.exitCode]).toEqual(['refresh_refused', 4]);
    expect(calls.refresh).toEqual([`${appId}:rt-0`]);
    const report = await owner.report();
    expect([report.state, report.error?.exitCode]).toEqual(['refresh-refused', 4]);
  });

  it('network error: the stored session is left exactly as it was', async () => {
    const { provider } = fakeProvider(() => {
      throw new HfloginError('cannot reach', { code: 'network', exitCode: ExitCode.network, hint: 'h' });
    });
    const { owner, seed, storedText } = harness({ provider });
    await seed(storedSession({ leftS: -10 }));
    const before = await storedText();
    const error = await rejection(owner.accessToken());
    expect(error.exitCode).toBe(5);
    expect(await storedText()).toBe(before);
    expect((await owner.report()).state).toBe('expired-refreshable');
  });

  it('wrong sub, iss or aud in the refreshed ID token: exit 1, naming it, nothing saved', async () => {
    for (const [claims, named] of [
      [{ sub: 'user-mallory' }, 'another user (sub "user-mallory"'],
      [{ iss: 'https://evil.example/oidc' }, 'another issuer'],
      [{ aud: 'other-app' }, 'another app'],
    ] as const) {
      const { provider } = fakeProvider(() => goodAnswer(claims));
      const { owner, seed, storedText } = harness({ provider });
      await seed(storedSession({ leftS: -10 }));
      const before = await storedText();
      const error = await rejection(owner.accessToken());
      expect([error.code, error.exitCode]).toEqual(['refresh_identity_mismatch', 1]);
      expect(error.message).toContain(named);
      expect(error.message).toContain('Nothing was saved');
      expect(await storedText()).toBe(before);
    }
  });

  it("another tenant's session is refused with exit 2 by every question, naming both tenants", async () => {
    const { provider, calls } = fakeProvider(() => goodAnswer());
    for (const tenant of [{ endpoint: 'https://tenant-b.example' }, { appIds: ['other-app'] }]) {
      const { owner, seed, storedText } = harness({ provider, tenant });
      await seed(storedSession());
      // Asked one at a time: a rejection nobody awaits yet is an unhandled one.
      for (const [question, fix] of [
        [() => owner.accessToken(), 'hflogin login'],
        [() => owner.current(), 'hflogin login'],
        [() => owner.signOut(), 'hflogin logout'],
      ] as const) {
        const error = await rejection(question());
        expect([error.code, error.exitCode]).toEqual(['tenant_mismatch', 2]);
        expect(error.message).toContain(endpoint);
        expect(error.hint).toContain(fix);
      }
      const report = await owner.report();
      expect(report.error?.code).toBe('tenant_mismatch');
      // Refusing is all it does: the session is still there for its own tenant.
      expect(await storedText()).not.toBeNull();
    }
    expect(calls.prepare).toBe(0);
    expect(calls.revoke).toEqual([]);
  });

  it('interrupted once during the refresh: finishes saving, says so, then ends with 130', async () => {
    const { interruption, exits, said } = interruptionWithOutput();
    const { provider } = fakeProvider(async () => {
      interruption.onInterrupt(); // Ctrl+C while Logto's answer is on its way
      await sleep(20);
      return goodAnswer();
    });
    const { owner, seed, stored } = harness({
      provider,
      critical: interruption.critical,
      signal: interruption.signal,
    });
    await seed(storedSession({ leftS: -10 }));
    const error = await rejection(owner.accessToken());
    expect(error.exitCode).toBe(130);
    expect((await stored()).refreshToken).toBe(`rt-${rotation}`);
    expect(said()).toContain('Finishing saving the refreshed session');
    expect(exits).toEqual([]);
    expect(interruption.signal.aborted).toBe(true);
  });

  it('interrupted twice during the refresh: ends at once, saying the sign-in may be lost', async () => {
    const { interruption, exits, said } = interruptionWithOutput();
    const { provider } = fakeProvider(() => {
      interruption.onInterrupt();
      interruption.onInterrupt();
      return goodAnswer();
    });
    const { owner, seed } = harness({
      provider,
      critical: interruption.critical,
      signal: interruption.signal,
    });
    await seed(storedSession({ leftS: -10 }));
    await owner.accessToken().catch(() => undefined);
    expect(exits).toEqual([130]);
    expect(said()).toContain('may now be lost');
  });

  it('Ctrl+C outside a critical section aborts the signal; a second one exits', () => {
    const exits: number[] = [];
    const interruption = createInterruption(new PassThrough(), (code) => exits.push(code));
    interruption.onInterrupt();
    expect([interruption.signal.aborted, exits]).toEqual([true, []]);
    interruption.onInterrupt();
    expect(exits).toEqual([130]);
  });

  it('lock busy: waits for the holder, says so, then uses the token it saved (no second refresh)', async () => {
    const { provider, calls } = fakeProvider(() => goodAnswer());
    const { owner, storage, seed, waits } = harness({ provider });
    await seed(storedSession({ leftS: -10 }));
    let release!: () => void;
    const holding = storage.lock(
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    );
    await sleep(20);
    const asking = owner.accessToken();
    await sleep(1_300);
    // Meanwhile "another process" refreshed and saved.
    await storage.save(storedSession({ accessToken: 'at-other', refreshToken: 'rt-other', leftS: 3000 }));
    release();
    await holding;
    expect((await asking).token.accessToken).toBe('at-other');
    expect(calls.prepare).toBe(0);
    expect(waits).toEqual([{ pid: process.pid, host: hostname(), since: expect.any(Number) }]);
  });

  it('signs out under the lock: revokes, removes, and a racing refresh finds nothing to write back', async () => {
    const { provider, calls } = fakeProvider(async () => {
      await sleep(50);
      return goodAnswer();
    });
    const { owner, seed, storedText } = harness({ provider });
    await seed(storedSession({ leftS: -10 }));
    const [refreshed, signedOut] = await Promise.allSettled([owner.accessToken(), owner.signOut()]);
    expect(signedOut.status).toBe('fulfilled');
    expect(await storedText()).toBeNull();
    // Whichever went first, the refresh token revoked is the newest one.
    if (refreshed.status === 'fulfilled') expect(calls.revoke).toEqual([`rt-${rotation}`]);
    else expect((refreshed.reason as HfloginError).code).toBe('not_signed_in');
  });

  it('migrates a session from the unscoped keychain name once, for its own tenant only', async () => {
    const keyring = new MemoryKeyring();
    const legacy = new KeychainStore(keyring);
    await legacy.save('default', serializeSession(storedSession()));
    const build = (tenantEndpoint: string) =>
      keychainOwner(keyring, `scope-of-${tenantEndpoint.slice(8, 16)}`, tenantEndpoint);
    // Another config directory (tenant B) leaves tenant A's legacy session alone.
    expect(await build('https://tenant-b.example').stored()).toBeNull();
    expect(await legacy.load('default')).not.toBeNull();
    // Tenant A's config directory takes it over, and the legacy item is gone.
    expect((await build(endpoint).stored())?.accessToken).toBe('at-0');
    expect(await legacy.load('default')).toBeNull();
    expect([...keyring.entries.keys()].some((account) => account.startsWith('session:default@'))).toBe(true);
  });

  it("a dead holder's lock is taken over at once", async () => {
    const { provider } = fakeProvider(() => goodAnswer());
    const { owner, seed, configDir } = harness({ provider, waitMs: 3_000 });
    await seed(storedSession({ leftS: -10 }));
    mkdirSync(join(configDir, 'locks'), { recursive: true });
    // A pid far above any running one: its holder is dead.
    writeFileSync(
      join(configDir, 'locks', 'default.lock'),
      JSON.stringify({
        pid: 2 ** 22 + 4321,
        host: hostname(),
        token: 'deadbeefdeadbeef',
        since: start,
        start: null,
      }),
    );
    expect((await owner.accessToken()).token.accessToken).toBe(`at-${rotation}`);
  });

  it('stale: a lock from another machine whose heartbeat stopped a minute ago is taken over', async () => {
    const { provider } = fakeProvider(() => goodAnswer());
    const { owner, seed, configDir } = harness({ provider, waitMs: 3_000 });
    await seed(storedSession({ leftS: -10 }));
    mkdirSync(join(configDir, 'locks'), { recursive: true });
    const lock = join(configDir, 'locks', 'default.lock');
    writeFileSync(
      lock,
      JSON.stringify({
        pid: 1234,
        host: 'build-box-7',
        token: 'cafebabecafebabe',
        since: start,
        start: null,
      }),
    );
    const minuteAgo = new Date(Date.now() - 61_000);
    utimesSync(lock, minuteAgo, minuteAgo);
    expect((await owner.accessToken()).token.accessToken).toBe(`at-${rotation}`);
  });

  it("a live holder's lock is never taken over: bounded wait, then exit 1 naming it", async () => {
    const { provider, calls } = fakeProvider(() => goodAnswer());
    const { owner, storage, seed } = harness({ provider, waitMs: 1_500 });
    await seed(storedSession({ leftS: -10 }));
    let release!: () => void;
    const holding = storage.lock(() => new Promise<void>((resolve) => (release = resolve)));
    await sleep(20);
    const error = await rejection(owner.accessToken());
    expect([error.code, error.exitCode]).toEqual(['lock_timeout', 1]);
    expect(error.message).toContain(`pid ${process.pid}`);
    release();
    await holding;
    expect(calls.refresh).toEqual([]);
  });

  it('a rejected refresh answer keeps its rotated refresh token (the grant lives), and serves nothing from it', async () => {
    const failure = Object.assign(
      new HfloginError('Refreshing the session failed: unexpected JWT "exp" (expiration time) claim value', {
        code: 'verification_failed',
        exitCode: ExitCode.failed,
        hint: 'h',
      }),
      { rotatedRefreshToken: 'rt-rotated' },
    );
    const { provider } = fakeProvider(() => {
      throw failure;
    });
    const { owner, seed, stored } = harness({ provider });
    await seed(storedSession({ leftS: -10 }));
    const error = await rejection(owner.accessToken());
    expect([error.code, error.exitCode]).toEqual(['verification_failed', 1]);
    expect(error.message).toContain('The rotated refresh token was kept');
    const kept = await stored();
    expect([kept.refreshToken, kept.accessToken]).toEqual(['rt-rotated', 'at-0']);
  });

  it('serves a token without a refresh token until it expires; other audiences say why not', async () => {
    const { provider, calls } = fakeProvider(() => goodAnswer());
    const { owner, seed } = harness({ provider });
    await seed(storedSession({ leftS: 20, refreshToken: undefined }));
    expect((await owner.report()).state).toBe('expiring');
    expect((await owner.accessToken()).token.accessToken).toBe('at-0');
    const other = await rejection(owner.accessToken({ resource: 'https://api.example.com' }));
    expect([other.code, other.exitCode]).toEqual(['no_refresh_token', 4]);
    expect(other.hint).toContain('--resource https://api.example.com');
    await seed(storedSession({ leftS: -1, refreshToken: undefined }));
    const expired = await rejection(owner.accessToken());
    expect([expired.code, expired.exitCode]).toEqual(['session_expired', 4]);
    expect((await owner.report()).state).toBe('needs-login');
    expect(calls.prepare).toBe(0);
  });

  it("prepares again when the session under the lock is the tenant's other app's", async () => {
    const { provider, calls } = fakeProvider(() => goodAnswer({ aud: 'device-app' }));
    const { owner, seed, stored } = harness({ provider, tenant: { appIds: [appId, 'device-app'] } });
    await seed(storedSession({ leftS: -10 }));
    // While discovery runs for the native app, a device sign-in replaces the session.
    const original = provider.prepareRefresh.bind(provider);
    let replaced = false;
    provider.prepareRefresh = async (session) => {
      if (!replaced) {
        replaced = true;
        await seed(storedSession({ leftS: -10, appId: 'device-app', refreshToken: 'rt-device' }));
      }
      return original(session);
    };
    await owner.accessToken();
    expect(calls.prepared).toEqual([appId, 'device-app']);
    expect(calls.refresh).toEqual(['device-app:rt-device']);
    expect((await stored()).appId).toBe('device-app');
  });

  it('logout --all signs out of a session of another tenant than the one in force; plain logout refuses it', async () => {
    const { provider, calls } = fakeProvider(() => goodAnswer());
    const { owner, seed, storedText } = harness({
      provider,
      tenant: { endpoint: 'https://tenant-b.example' },
    });
    await seed(storedSession());
    const refused = await rejection(owner.signOut());
    expect(refused.hint).toContain(`HFLOGIN_ENDPOINT=${endpoint}`);
    expect(await storedText()).not.toBeNull();
    expect((await owner.signOut({ anyTenant: true })).kind).toBe('revoked');
    expect(calls.revoke).toEqual(['rt-0']);
    expect(await storedText()).toBeNull();
  });

  it('a sign-in or sign-out here removes the legacy item, so a sign-out cannot bring it back', async () => {
    const keyring = new MemoryKeyring();
    const legacy = new KeychainStore(keyring);
    await legacy.save('default', serializeSession(storedSession({ accessToken: 'at-legacy' })));
    const owner = keychainOwner(keyring, 'scope-a');
    await owner.recordSignIn(storedSession({ accessToken: 'at-new' }));
    expect(await legacy.load('default')).toBeNull();
    expect((await owner.signOut()).kind).toBe('revoked');
    expect(await owner.stored()).toBeNull();
  });

  it('two config directories migrating the one legacy item at once: exactly one keeps it', async () => {
    const keyring = new MemoryKeyring();
    const legacy = new KeychainStore(keyring);
    await legacy.save('default', serializeSession(storedSession()));
    const owners = ['scope-a', 'scope-b'].map((scope) => keychainOwner(keyring, scope));
    const found = await Promise.all(owners.map((owner) => owner.stored()));
    expect(found.filter((session) => session !== null)).toHaveLength(1);
    expect(await legacy.load('default')).toBeNull();
    const left = [...keyring.entries.keys()].filter((account) => !account.includes(':', 'session:'.length));
    expect(left).toHaveLength(1);
  });

  it('a refused resource: refreshes the session at once (Logto spent the refresh token), then says why', async () => {
    const { provider, calls } = fakeProvider((refreshToken) => {
      if (calls.refresh.length === 1)
        throw new HfloginError('refused: invalid_target', {
          code: 'invalid_target',
          exitCode: ExitCode.failed,
          hint: 'h',
        });
      expect(refreshToken).toBe('rt-0');
      return goodAnswer();
    });
    const { owner, seed, stored } = harness({ provider });
    await seed(storedSession());
    const error = await rejection(owner.accessToken({ resource: 'https://api.example.com' }));
    expect([error.code, error.exitCode]).toEqual(['invalid_target', 1]);
    expect(error.message).toContain('not granted access to https://api.example.com');
    expect(calls.refresh).toEqual([`${appId}:rt-0`, `${appId}:rt-0`]);
    expect((await stored()).refreshToken).toBe(`rt-${rotation}`);
  });

  it('invalid_grant for an audience: the session decides — alive (audience refused) or refused (marked)', async () => {
    const refusal = () =>
      new HfloginError('refused', { code: 'refresh_refused', exitCode: ExitCode.notSignedIn, hint: 'h' });
    {
      const { provider, calls } = fakeProvider(() => {
        if (calls.refresh.length === 1) throw refusal();
        return goodAnswer();
      });
      const { owner, seed, stored } = harness({ provider });
      await seed(storedSession({ scopes: ['openid', 'offline_access', 'urn:logto:scope:organizations'] }));
      const refused = await rejection(owner.accessToken({ organization: 'org-1' }));
      expect([refused.code, refused.exitCode]).toEqual(['audience_refused', 1]);
      expect((await stored()).refreshRefusedAt).toBeUndefined();
    }
    {
      const { provider } = fakeProvider(() => {
        throw refusal();
      });
      const { owner, seed, stored } = harness({ provider });
      await seed(storedSession({ scopes: ['openid', 'offline_access', 'urn:logto:scope:organizations'] }));
      const error = await rejection(owner.accessToken({ organization: 'org-1' }));
      expect([error.code, error.exitCode]).toEqual(['refresh_refused', 4]);
      expect((await stored()).refreshRefusedAt).toBe(new Date(start).toISOString());
    }
  });
});

describe('audience keys', () => {
  it.each([
    [{ resource: 'https://api.example.com' }, 'https://api.example.com'],
    [{ organization: 'org-1' }, 'organization org-1'],
    [
      { organization: 'org-1', resource: 'https://api.example.com' },
      'https://api.example.com in organization org-1',
    ],
  ])('reads back %j from its key, and names it', (audience, named) => {
    expect(audienceOfKey(audienceKey(audience))).toEqual(audience);
    expect(describeAudience(audience)).toBe(named);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';

import { parseSession, serializeSession, type StoredSession } from '../../src/session/session.js';
import { chromiumAvailability } from '../helpers/chromium.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';
import { storeFor } from '../helpers/seedSession.js';
import { requireSystemPiece, secretServiceMissing } from '../helpers/systemPieces.js';
import { aliceSub, chooseHfUser, fakeHfRequests, launchLogtoChromium } from './scenarioKit.js';
import { logtoSql, logtoStack, presentRefreshToken } from './stack.js';

const logto = logtoStack();
const keychain = requireSystemPiece('Secret Service (gnome-keyring)', secretServiceMissing());
const chromium = chromiumAvailability();

/** The fake Hugging Face's fixed user bob-hf. */
const bobSub = '77c3d4e5f6';

/** One row of Logto's audit log for a sign-in's authorization request. */
interface AuditEntry {
  key: string;
  prompt: string | null;
  reasons: string[];
}

/**
 * Signing in again against the real Logto, with ONE browser whose Logto session lives on between
 * sign-ins, as a person's browser does: what Logto does with the grant (src/logto/grants.ts), read
 * from its own database, and what hflogin revokes because of it.
 */
describe.skipIf(logto.skip || keychain.skip || chromium.skip)(
  'signing in again against the real Logto',
  () => {
    const { stack } = logto;
    const isolated = isolatedProfile();
    const env: NodeJS.ProcessEnv = {
      ...isolated.env,
      HTTP_PROXY: '',
      http_proxy: '',
      NO_PROXY: '',
      no_proxy: '',
    };
    const store = () => storeFor('keychain', isolated.configDir);
    const stored = async (): Promise<StoredSession> => {
      const text = await (await store()).load(isolated.profile);
      if (text === null) throw new Error(`no session stored for ${isolated.profile}`);
      return parseSession(text);
    };
    const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
    /** The grant a refresh token belongs to, as Logto stored it (an opaque token's value is its id). */
    const grantOf = (refreshToken: string): string => {
      const [grantId] = logtoSql(
        stack,
        `select payload->>'grantId' from oidc_model_instances where model_name = 'RefreshToken' and id = ${quote(refreshToken)}`,
      );
      if (!grantId) throw new Error('Logto holds no such refresh token');
      return grantId;
    };
    const grantExists = (grantId: string): boolean =>
      logtoSql(
        stack,
        `select count(*) from oidc_model_instances where model_name = 'Grant' and id = ${quote(grantId)}`,
      )[0] === '1';
    /** What Logto's audit log recorded of the authorization request with this `state`. */
    const auditOf = (state: string): AuditEntry[] =>
      logtoSql(
        stack,
        `select json_build_object('key', key, 'prompt', payload->'prompt'->>'name', 'reasons', coalesce(payload->'prompt'->'reasons', '[]'::jsonb)) from logs where payload->'params'->>'state' = ${quote(state)} order by created_at`,
      ).map((row) => JSON.parse(row) as AuditEntry);
    /**
     * The prompts Logto's interactions asked, in order: `login` is a fresh authentication (Hugging
     * Face asked), `consent` alone a sign-in from the browser's Logto session.
     */
    const prompts = (audit: AuditEntry[]) =>
      audit.filter((entry) => entry.key === 'Interaction.Create').map((entry) => entry.prompt);
    /** `hflogin token` made to refresh (the access token marked stale): the session as it saved it. */
    const refreshThroughHflogin = async (): Promise<StoredSession> => {
      const session = await stored();
      const stale = { ...session, accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() };
      await (await store()).save(isolated.profile, serializeSession(stale));
      const run = runHflogin(['token'], env);
      expect(await run.exit, run.stderr()).toBe(0);
      expect(run.stdout().trim()).not.toBe(session.accessToken);
      const refreshed = await stored();
      expect(refreshed.refreshToken).not.toBe(session.refreshToken);
      return refreshed;
    };

    /**
     * `hflogin login --no-browser` on the stack's Native app, its sign-in URL opened in `page` (the
     * one browser), as `hfUser` at the fake Hugging Face should it be asked.
     */
    const signIn = async (page: Page, hfUser: string, extra: string[] = []) => {
      await chooseHfUser(stack, hfUser);
      const since = new Date();
      const started = performance.now();
      const run = runHflogin(
        [
          'login',
          '--endpoint',
          stack.endpoint,
          '--app-id',
          stack.appId,
          '--storage',
          'keychain',
          '--no-browser',
          '--json',
          '--debug',
          ...extra,
        ],
        env,
      );
      const signInUrl = await run.signInUrl;
      const redirectUri = new URL(signInUrl.searchParams.get('redirect_uri')!);
      await page.goto(signInUrl.href);
      await page.waitForURL((url) => url.port === redirectUri.port && url.pathname === '/callback', {
        timeout: 30_000,
      });
      const code = await run.exit;
      const seconds = (performance.now() - started) / 1000;
      expect(code, run.stderr()).toBe(0);
      const signedIn = run
        .stdout()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { event: string; replaced?: { revocation: string } | null })
        .find((event) => event.event === 'signed-in');
      const authorizes = fakeHfRequests(stack, since).filter(
        (entry) =>
          entry.endpoint === 'authorize' &&
          entry.params?.redirect_uri === `${stack.endpoint}/callback/${stack.connectorId}`,
      );
      return {
        stderr: run.stderr(),
        signInUrl,
        signedIn: signedIn!,
        audit: auditOf(signInUrl.searchParams.get('state')!),
        hfAuthorizes: authorizes.length,
        seconds,
        session: await stored(),
      };
    };

    afterEach(async () => {
      await chooseHfUser(stack, aliceSub);
      await (await store()).clear(isolated.profile).catch(() => undefined);
    });

    it('alice again in the same browser (even with --select-account): the same grant, kept; --select-account as bob: a new grant, alice’s revoked', async () => {
      const browser = await launchLogtoChromium(stack);
      try {
        const page = await (await browser.newContext()).newPage();
        const host = new URL(stack.endpoint).host;

        // 1. The first sign-in: Logto has no session in this browser, so Hugging Face is asked.
        const first = await signIn(page, aliceSub);
        expect(first.hfAuthorizes).toBe(1);
        expect(prompts(first.audit)).toEqual(['login', 'consent']);
        const firstGrant = grantOf(first.session.refreshToken!);

        // 2. Alice again, same browser, same app: Logto signs her in from its browser session (no
        // fresh authentication, nothing asked of Hugging Face) and issues the tokens on the grant
        // that session already holds for the app — packages/core/src/oidc/init.ts loadExistingGrant.
        const again = await signIn(page, aliceSub);
        const againGrant = grantOf(again.session.refreshToken!);
        expect(again.hfAuthorizes).toBe(0);
        expect(prompts(again.audit)).toEqual(['consent']);
        expect(again.session.user.id).toBe(first.session.user.id);
        expect(again.session.refreshToken).not.toBe(first.session.refreshToken);
        expect(againGrant).toBe(firstGrant);
        // So hflogin keeps it: revoking the replaced session would have revoked this one.
        expect(again.signedIn.replaced?.revocation).toBe('kept');
        expect(again.stderr).toContain(
          `Signed in as alice-hf (Hugging Face) to ${host} (replaced this account's previous session; it was not revoked, as Logto may share one grant between the two)`,
        );
        expect(again.stderr).toContain('the replaced session, of the same account and app, was not revoked');
        expect(grantExists(firstGrant)).toBe(true);
        // The new session refreshes through hflogin; the replaced refresh token too, since nothing was
        // revoked.
        const refreshed = await refreshThroughHflogin();
        expect((await presentRefreshToken(stack, first.session.refreshToken!)).status).toBe(200);

        // 2b. Alice with --select-account: prompt=login makes Logto authenticate afresh (Hugging Face
        // is asked), yet the same account in the same browser still gets the same grant.
        const fresh = await signIn(page, aliceSub, ['--select-account']);
        expect(prompts(fresh.audit)).toEqual(['login', 'consent']);
        expect(fresh.audit[0]?.reasons).toContain('login_prompt');
        expect(fresh.hfAuthorizes).toBe(1);
        const freshGrant = grantOf(fresh.session.refreshToken!);
        expect(freshGrant).toBe(firstGrant);
        expect(fresh.signedIn.replaced?.revocation).toBe('kept');
        expect(grantExists(firstGrant)).toBe(true);

        // 3. --select-account as bob in the same browser: prompt=login consent, so Logto authenticates
        // afresh (Hugging Face is asked again) despite its session, and bob's tokens are another grant.
        const bob = await signIn(page, bobSub, ['--select-account']);
        expect(bob.signInUrl.searchParams.get('prompt')).toBe('login consent');
        expect(prompts(bob.audit)).toEqual(['login', 'consent']);
        expect(bob.audit[0]?.reasons).toContain('login_prompt');
        expect(bob.hfAuthorizes).toBe(1);
        expect(bob.session.huggingface?.username).toBe('bob-hf');
        expect(bob.session.user.id).not.toBe(first.session.user.id);
        const bobGrant = grantOf(bob.session.refreshToken!);
        expect(bobGrant).not.toBe(firstGrant);
        expect(bob.signedIn.replaced?.revocation).toBe('revoked');
        expect(bob.stderr).toContain(
          `Replacing the session of alice-hf (Hugging Face) on ${host} (profile "${isolated.profile}") once you have signed in.`,
        );
        expect(bob.stderr).toContain(
          `Signed in as bob-hf (Hugging Face) to ${host} (was alice-hf (Hugging Face); that session was revoked)`,
        );
        // Logto confirms: alice's grant is gone with every token of it; bob's refreshes.
        expect(grantExists(firstGrant)).toBe(false);
        // The replaced session's refresh token, and one of the grant hflogin no longer held (never used).
        for (const refreshToken of [fresh.session.refreshToken!, refreshed.refreshToken!])
          expect(await presentRefreshToken(stack, refreshToken)).toMatchObject({
            status: 400,
            body: { error: 'invalid_grant' },
          });
        const bobRefreshed = await refreshThroughHflogin();

        // 4. Why the same account's replaced session is kept: bob again in this browser is on bob's
        // grant, and revoking the replaced session's refresh token (what hflogin would have done)
        // ends the new session.
        const bobAgain = await signIn(page, bobSub);
        expect(prompts(bobAgain.audit)).toEqual(['consent']);
        expect(grantOf(bobAgain.session.refreshToken!)).toBe(bobGrant);
        expect(bobAgain.signedIn.replaced?.revocation).toBe('kept');
        const revoke = await fetch(`${stack.endpoint}/oidc/token/revocation`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            token: bobRefreshed.refreshToken!,
            token_type_hint: 'refresh_token',
            client_id: stack.appId,
          }),
        });
        expect(revoke.status).toBe(200);
        expect(grantExists(bobGrant)).toBe(false);
        expect(await presentRefreshToken(stack, bobAgain.session.refreshToken!)).toMatchObject({
          status: 400,
          body: { error: 'invalid_grant' },
        });
        console.log(
          `[logto relogin] grants: alice ${firstGrant.slice(0, 8)}… (${first.seconds.toFixed(1)} s, Hugging Face asked), ` +
            `alice again ${againGrant.slice(0, 8)}… (${again.seconds.toFixed(1)} s, from Logto's session, kept), ` +
            `alice --select-account ${freshGrant.slice(0, 8)}… (${fresh.seconds.toFixed(1)} s, prompt=login, kept), ` +
            `bob --select-account ${bobGrant.slice(0, 8)}… (${bob.seconds.toFixed(1)} s, prompt=login; alice's grant revoked), ` +
            `bob again ${bobGrant.slice(0, 8)}… (${bobAgain.seconds.toFixed(1)} s; revoking bob's replaced refresh token ended it)`,
        );
      } finally {
        await browser.close();
      }
    });
  },
);

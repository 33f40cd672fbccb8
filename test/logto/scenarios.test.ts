import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';

import { parseSession, serializeSession, type StoredSession } from '../../src/session/session.js';
import type { EchoAnswer } from '../emulator/index.js';
import { startProtectedApi } from '../emulator/protectedApi.js';
import { chromiumAvailability } from '../helpers/chromium.js';
import { hfloginBin, isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';
import { storeFor } from '../helpers/seedSession.js';
import { requireSystemPiece, secretServiceMissing } from '../helpers/systemPieces.js';
import { TerminalSession, tmuxAvailability } from '../helpers/tmux.js';
import { startHoldingProxy } from './holdingProxy.js';
import {
  aliceSub,
  chooseHfUser,
  fakeHfRequests,
  launchLogtoChromium,
  withholdLoopback,
  type FakeHfUser,
} from './scenarioKit.js';
import { auditCount, browserEnv, logtoSql, logtoStack, managementApi, presentRefreshToken } from './stack.js';

/** Puts the holding proxy in the path of hflogin's requests to Logto (see the file). */
const rerouteLoopback = fileURLToPath(new URL('./rerouteLoopback.mjs', import.meta.url));

const logto = logtoStack();
const keychain = requireSystemPiece('Secret Service (gnome-keyring)', secretServiceMissing());
const chromium = chromiumAvailability();
const tmux = tmuxAvailability();

/** One line drive-browser.mjs appends per run. */
interface DriveRecord {
  opened: string;
  hops: string[];
  clicks: string[];
  aborted: string[];
  result?: string;
  landed?: string;
  text?: string;
  error?: string;
}

interface LoginEvent {
  schemaVersion: number;
  event: string;
  [field: string]: unknown;
}

type Isolated = ReturnType<typeof isolatedProfile> & { driveLog: string };

const refreshKey = 'ExchangeTokenBy.RefreshToken';

/**
 * The scenarios against the real Logto 1.42 (built from source, on loopback) with the real
 * Hugging Face connector, a fake huggingface.co, headless Chromium as the person, and the real
 * keychain: what hflogin does is checked against what Logto itself recorded.
 */
describe.skipIf(logto.skip || keychain.skip)('hflogin against the real Logto', () => {
  const { stack } = logto;
  const profiles: Isolated[] = [];
  let terminal: TerminalSession | undefined;

  const newProfile = (): Isolated => {
    const isolated = isolatedProfile();
    const profile = { ...isolated, driveLog: join(isolated.root, 'drive-browser.jsonl') };
    profiles.push(profile);
    return profile;
  };
  /** The profile's environment with drive-browser.mjs as $BROWSER, talking to Logto directly. */
  const envFor = (isolated: Isolated, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...isolated.env,
    ...browserEnv(stack, isolated.driveLog),
    HTTP_PROXY: '',
    http_proxy: '',
    NO_PROXY: '',
    no_proxy: '',
    ...extra,
  });
  const hflogin = async (args: string[], env: NodeJS.ProcessEnv) => {
    const run = runHflogin(args, env);
    const code = await run.exit;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  };
  const store = (isolated: Isolated) => storeFor('keychain', isolated.configDir);
  const stored = async (isolated: Isolated): Promise<StoredSession> => {
    const text = await (await store(isolated)).load(isolated.profile);
    if (text === null) throw new Error(`no session stored for ${isolated.profile}`);
    return parseSession(text);
  };
  const expire = async (isolated: Isolated) => {
    const session = await stored(isolated);
    const expired = { ...session, accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() };
    await (await store(isolated)).save(isolated.profile, serializeSession(expired));
    return expired;
  };
  /** drive-browser.mjs logs when its browser has closed, just after hflogin got the callback. */
  const driveRecords = async (isolated: Isolated, count = 1): Promise<DriveRecord[]> => {
    const read = () =>
      existsSync(isolated.driveLog)
        ? readFileSync(isolated.driveLog, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as DriveRecord)
        : [];
    await expect.poll(() => read().length, { timeout: 30_000 }).toBeGreaterThanOrEqual(count);
    return read();
  };
  /** `hflogin login` on the stack's Native app, keeping the session in the keychain. */
  const loginArgs = (...extra: string[]) => [
    'login',
    '--endpoint',
    stack.endpoint,
    '--app-id',
    stack.appId,
    '--storage',
    'keychain',
    ...extra,
  ];

  /**
   * The person's browser: drive-browser.mjs run on `url`. It knows a sign-in is over when it reaches
   * a loopback /callback on another port than the page it opened, so it is handed Logto's sign-in
   * URL, as a browser on another machine is (`--no-browser` prints it): the browser hflogin opens
   * itself gets only its one-time /start link, whose way through the loopback (cookie and all) is
   * tested with Chromium in test/e2e/loginCsrf.test.ts and login.test.ts.
   */
  const drive = (isolated: Isolated, url: string) => {
    const { BROWSER: _browser, ...driveEnv } = envFor(isolated);
    return spawn(process.execPath, [join(stack.scripts, 'drive-browser.mjs'), url], {
      env: { ...process.env, ...driveEnv },
      stdio: 'ignore',
    });
  };
  /**
   * `hflogin login` with the person's browser, as `hfUser` at the fake Hugging Face (alice-hf
   * unless told; the fake's default is put back afterwards).
   */
  const browserLogin = async (isolated: Isolated, args: string[] = [], hfUser = aliceSub) => {
    const user: FakeHfUser = await chooseHfUser(stack, hfUser);
    try {
      const run = runHflogin([...loginArgs(...args), '--no-browser'], envFor(isolated));
      const driver = drive(isolated, (await run.signInUrl).href);
      const code = await run.exit;
      const result = { code, stdout: run.stdout(), stderr: run.stderr() };
      expect(result.code, result.stderr).toBe(0);
      await once(driver, 'exit');
      const [record] = (await driveRecords(isolated)).slice(-1);
      return { ...result, user, record: record! };
    } finally {
      if (hfUser !== aliceSub) await chooseHfUser(stack, aliceSub);
    }
  };
  const logtoUser = (id: string) =>
    managementApi(stack, 'GET', `/api/users/${id}`) as {
      id: string;
      createdAt: number;
      identities: Record<string, { userId: string }>;
    };

  afterEach(async () => {
    terminal?.close();
    terminal = undefined;
    for (const isolated of profiles.splice(0))
      await (await store(isolated)).clear(isolated.profile).catch(() => undefined);
  });

  it('1. browser sign-in goes straight to Hugging Face; whoami, token, status; logout revokes at Logto', async () => {
    const isolated = newProfile();
    const since = new Date();
    const login = await browserLogin(isolated);
    expect(login.stderr).toContain(`Signed in as alice-hf (Hugging Face) to ${new URL(stack.endpoint).host}`);

    // The browser went from the authorization URL to huggingface.co with no Logto page in between:
    // Logto's direct sign-in path first, no sign-in page, nothing clicked, back from Hugging Face.
    expect(new URL(login.record.opened).searchParams.get('direct_sign_in')).toBe('social:huggingface');
    const paths = login.record.hops.map((hop) => new URL(hop).pathname);
    expect(paths[0]).toBe('/direct/social/huggingface');
    expect(paths).not.toContain('/sign-in');
    expect(paths).toContain(`/callback/${stack.connectorId}`);
    expect(login.record.clicks).toEqual([]);
    expect(login.record.aborted).toEqual([]);
    expect(login.record.result).toBe('loopback-callback');
    const authorizes = fakeHfRequests(stack, since).filter(
      (entry) =>
        entry.endpoint === 'authorize' &&
        entry.params?.redirect_uri === `${stack.endpoint}/callback/${stack.connectorId}`,
    );
    expect(authorizes.length).toBeGreaterThanOrEqual(1);

    const session = await stored(isolated);
    expect(logtoUser(session.user.id).identities.huggingface?.userId).toBe(aliceSub);

    const whoami = await hflogin(['whoami'], isolated.env);
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toMatch(/^Signed in to 127\.0\.0\.1:3001 as .+ — Hugging Face: alice-hf$/m);
    const whoamiJson = await hflogin(['whoami', '--json'], isolated.env);
    expect(whoamiJson.code).toBe(0);
    const who = JSON.parse(whoamiJson.stdout) as {
      schemaVersion: number;
      endpoint: string;
      user: { id: string };
      huggingface: { id: string; username: string };
      session: { storage: string };
    };
    expect(who.schemaVersion).toBe(1);
    expect(who.endpoint).toBe(stack.endpoint);
    expect(who.user.id).toBe(session.user.id);
    expect(who.huggingface).toMatchObject({ id: aliceSub, username: 'alice-hf' });
    expect(who.session.storage).toBe('keychain');

    const token = await hflogin(['token'], isolated.env);
    expect(token.code).toBe(0);
    const accessToken = token.stdout.trim();
    expect(accessToken).toMatch(/^[\w-]{43}$/);
    // Logto itself accepts it.
    const me = await fetch(`${stack.endpoint}/oidc/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { sub: string }).sub).toBe(session.user.id);

    const status = await hflogin(['status'], isolated.env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(
        `^\\* {2}${isolated.profile} {2}127\\.0\\.0\\.1:3001 {2}.*\\(alice-hf\\) {2}valid {2,}valid for \\d+ (s|min|h) {2,}keychain$`,
        'm',
      ),
    );

    const refreshToken = (await stored(isolated)).refreshToken;
    expect(refreshToken).toMatch(/^[\w-]{43}$/);
    const logout = await hflogin(['logout'], isolated.env);
    expect(logout.code, logout.stderr).toBe(0);
    expect(await (await store(isolated)).load(isolated.profile)).toBeNull();
    // Proven at Logto: the refresh token is refused, the opaque access token is dead.
    const replay = await presentRefreshToken(stack, refreshToken!);
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const meAfter = await fetch(`${stack.endpoint}/oidc/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(meAfter.status).toBe(401);
    console.log(
      `[logto browser] hops ${paths.join(' → ')}; ${login.record.clicks.length} clicks; after logout the refresh token → ${replay.status} ${replay.body.error}, access token → ${meAfter.status} at /oidc/me`,
    );
  });

  it('2. login --sign-up for a brand-new Hugging Face user creates a new Logto user', async () => {
    const isolated = newProfile();
    const usersBefore = new Set(logtoSql(stack, 'select id from users'));
    const since = new Date();
    const login = await browserLogin(isolated, ['--sign-up'], 'new');
    expect(login.user.preferred_username).toMatch(/^newbie-/);
    expect(login.stderr).toContain(`Signed in as ${login.user.preferred_username} (Hugging Face)`);

    // Logto's register path: first_screen=register → /direct/social/huggingface?…fallback=register.
    expect(new URL(login.record.opened).searchParams.get('first_screen')).toBe('register');
    const direct = new URL(login.record.hops[0]!);
    expect(direct.pathname).toBe('/direct/social/huggingface');
    expect(direct.searchParams.get('fallback')).toBe('register');

    const session = await stored(isolated);
    expect(usersBefore.has(session.user.id)).toBe(false);
    expect(session.huggingface).toMatchObject({
      id: login.user.sub,
      username: login.user.preferred_username,
    });
    const user = logtoUser(session.user.id);
    expect(user.identities.huggingface?.userId).toBe(login.user.sub);
    expect(user.createdAt).toBeGreaterThanOrEqual(since.getTime() - 1000);
    console.log(
      `[logto sign-up] new Logto user ${session.user.id} for Hugging Face ${login.user.preferred_username} (${usersBefore.size} users before)`,
    );
  });

  it('3. a --resource JWT and an --organization token, verified against Logto’s JWKS', async () => {
    const jwks = createRemoteJWKSet(new URL(`${stack.endpoint}/oidc/jwks`));
    const issuer = `${stack.endpoint}/oidc`;

    const withResource = newProfile();
    const resourceLogin = await browserLogin(withResource, ['--resource', stack.resource]);
    expect(new URL(resourceLogin.record.opened).searchParams.getAll('resource')).toEqual([stack.resource]);
    const resourceToken = await hflogin(['token', '--resource', stack.resource], withResource.env);
    expect(resourceToken.code, resourceToken.stderr).toBe(0);
    const resourceJwt = await jwtVerify(resourceToken.stdout.trim(), jwks, {
      issuer,
      audience: stack.resource,
    });
    expect(resourceJwt.protectedHeader.typ).toBe('at+jwt');
    expect(resourceJwt.payload.aud).toBe(stack.resource);
    expect(resourceJwt.payload.sub).toBe((await stored(withResource)).user.id);
    expect(resourceJwt.payload.client_id).toBe(stack.appId);

    // `hflogin api` with that token, at an API that checks it as a real one must: Logto's issuer and
    // JWKS, its API resource as the audience (test/emulator/protectedApi.ts, on a server of its own).
    const protectedApi = await startProtectedApi({
      issuer,
      keys: jwks,
      routes: [{ path: '/v1', resource: stack.resource }],
    });
    try {
      const call = await hflogin(
        ['api', `${protectedApi.url}/v1/jobs?since=today`, '--resource', stack.resource, '-F', 'count=2'],
        withResource.env,
      );
      expect(call.code, call.stderr).toBe(0);
      const echoed = JSON.parse(call.stdout) as EchoAnswer;
      expect(echoed).toMatchObject({
        method: 'POST',
        path: '/v1/jobs',
        query: { since: 'today' },
        body: { count: 2 },
        claims: { iss: issuer, aud: stack.resource, sub: resourceJwt.payload.sub },
      });
      expect(protectedApi.stats.answers).toEqual({ 200: 1 });
      // Its URL is not under the resource's indicator: without --resource no token is sent.
      const uncovered = await hflogin(['api', `${protectedApi.url}/v1/jobs`], withResource.env);
      expect(uncovered.code).toBe(2);
      expect(protectedApi.stats.answers).toEqual({ 200: 1 });
      console.log(
        `[logto api] hflogin api ${protectedApi.url}/v1/jobs --resource ${stack.resource}: 200, the API verified aud=${String(echoed.claims.aud)} iss=${echoed.claims.iss}`,
      );
    } finally {
      await protectedApi.close();
    }

    const withOrganization = newProfile();
    const organizationLogin = await browserLogin(withOrganization, ['--organization', stack.organizationId]);
    expect(new URL(organizationLogin.record.opened).searchParams.get('organization_id')).toBe(
      stack.organizationId,
    );
    const userId = (await stored(withOrganization)).user.id;
    // alice-hf (alice@example.test, verified) is a member through the organization's JIT rule.
    // Asked from the user's side: the organization's member list is paged (20 a page), and a
    // stack reused across runs holds more members than that.
    const organizations = managementApi(stack, 'GET', `/api/users/${userId}/organizations`) as {
      id: string;
    }[];
    expect(organizations.map((organization) => organization.id)).toContain(stack.organizationId);
    const organizationToken = await hflogin(
      ['token', '--organization', stack.organizationId],
      withOrganization.env,
    );
    expect(organizationToken.code, organizationToken.stderr).toBe(0);
    const audience = `urn:logto:organization:${stack.organizationId}`;
    const organizationJwt = await jwtVerify(organizationToken.stdout.trim(), jwks, { issuer, audience });
    expect(organizationJwt.payload.aud).toBe(audience);
    expect(organizationJwt.payload.sub).toBe(userId);
    console.log(
      `[logto audiences] resource JWT aud=${String(resourceJwt.payload.aud)} (${resourceJwt.protectedHeader.alg}); organization JWT aud=${String(organizationJwt.payload.aud)}; both verified with ${issuer}/jwks`,
    );
  });

  it('4. the device flow, approved on Logto’s /device page', async () => {
    const isolated = newProfile();
    await chooseHfUser(stack, aliceSub);
    const run = runHflogin(
      [
        'login',
        '--device',
        '--endpoint',
        stack.endpoint,
        '--device-app-id',
        stack.deviceAppId,
        '--storage',
        'keychain',
        '--json',
      ],
      envFor(isolated),
    );
    const events = () =>
      run
        .stdout()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LoginEvent);
    await expect
      .poll(() => events().some((event) => event.event === 'device'), { timeout: 30_000 })
      .toBe(true);
    const device = events().find((event) => event.event === 'device')!;
    const approveAt = device.verificationUriComplete as string;
    expect(approveAt.startsWith(`${stack.endpoint}/device?user_code=`)).toBe(true);
    expect(decodeURIComponent(approveAt)).toContain(device.userCode as string);

    // The person: drive-browser.mjs run directly on the verification URL.
    const [driveCode] = (await once(drive(isolated, approveAt), 'exit')) as [number | null];
    expect(driveCode).toBe(0);
    expect(await run.exit, run.stderr()).toBe(0);

    const [record] = await driveRecords(isolated);
    expect(record!.result).toBe('device-success');
    expect(record!.clicks).toContain('/device:Continue');
    const signedIn = events().find((event) => event.event === 'signed-in')!;
    expect(signedIn).toMatchObject({ storage: 'keychain', huggingface: { username: 'alice-hf' } });
    expect((await stored(isolated)).appId).toBe(stack.deviceAppId);

    const whoami = await hflogin(['whoami'], isolated.env);
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.stdout).toContain('Hugging Face: alice-hf');
    console.log(
      `[logto device] code ${String(device.userCode)} approved at ${new URL(approveAt).pathname}; ${record!.hops.length} hops, clicks ${record!.clicks.join(', ')}; whoami exit 0`,
    );
  });

  it.skipIf(tmux.skip || chromium.skip)(
    '5. paste-back: the browser never reaches the loopback, the address it ended on is pasted in the terminal',
    async () => {
      const isolated = newProfile();
      await chooseHfUser(stack, aliceSub);
      const env: NodeJS.ProcessEnv = { ...process.env, ...envFor(isolated), NO_COLOR: '1' };
      const command = [process.execPath, hfloginBin, ...loginArgs('--no-browser')]
        .map((part) => `'${part}'`)
        .join(' ');
      terminal = TerminalSession.start(command, env);
      await terminal.waitFor(/Not opening a browser \(--no-browser\)/);
      await terminal.waitFor(/Paste the address your browser ended on/);
      const signInUrl = new URL((await terminal.waitFor(/http:\/\/127\.0\.0\.1:\d+\/oidc\/auth\?\S+/))[0]);
      const redirectUri = signInUrl.searchParams.get('redirect_uri')!;

      const browser = await launchLogtoChromium(stack);
      let callback: URL;
      try {
        const page = await browser.newPage();
        const sentTo = await withholdLoopback(page, redirectUri);
        await page.goto(signInUrl.href);
        callback = await sentTo();
      } finally {
        await browser.close();
      }
      expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
      expect(callback.searchParams.get('state')).toBe(signInUrl.searchParams.get('state'));
      expect(callback.searchParams.get('iss')).toBe(`${stack.endpoint}/oidc`);
      expect(callback.searchParams.get('code')).toBeTruthy();
      // Nothing reached hflogin: it is still waiting for the paste.
      expect(terminal.screen()).not.toMatch(/\[exit \d+\]/);

      terminal.type(callback.href);
      terminal.press('Enter');
      await terminal.waitFor(/\[exit \d+\]/, 30_000);
      const screen = terminal.screen();
      expect(screen).toContain('[exit 0]');
      expect(screen).toContain(`Signed in as alice-hf (Hugging Face) to ${new URL(stack.endpoint).host}`);
      expect((await stored(isolated)).huggingface?.username).toBe('alice-hf');
      console.log(
        `[logto paste-back] callback ${callback.origin}${callback.pathname} withheld, pasted: exit 0`,
      );
    },
  );

  it.skipIf(chromium.skip)(
    '6. LANG=th_TH.UTF-8 with --no-connector: ui_locales=th and Logto’s page in Thai',
    async () => {
      const isolated = newProfile();
      await chooseHfUser(stack, aliceSub);
      const run = runHflogin(
        loginArgs('--no-connector', '--no-browser'),
        envFor(isolated, { LANG: 'th_TH.UTF-8', LC_ALL: '', LC_MESSAGES: '' }),
      );
      const signInUrl = await run.signInUrl;
      expect(signInUrl.searchParams.get('ui_locales')).toBe('th');
      expect(signInUrl.searchParams.has('direct_sign_in')).toBe(false);
      const redirectUri = new URL(signInUrl.searchParams.get('redirect_uri')!);

      const browser = await launchLogtoChromium(stack);
      let bodyText: string;
      let landedOn: string;
      try {
        // An English-speaking browser: the Thai comes from ui_locales, not Accept-Language.
        const context = await browser.newContext({ locale: 'en-US' });
        const page = await context.newPage();
        await page.goto(signInUrl.href);
        const huggingFace = page.getByRole('button', { name: /hugging ?face/i });
        await huggingFace.first().waitFor({ state: 'visible', timeout: 30_000 });
        landedOn = new URL(page.url()).pathname;
        bodyText = await page.innerText('body');
        const artifacts = process.env.HFLOGIN_TEST_ARTIFACTS;
        if (artifacts) {
          mkdirSync(artifacts, { recursive: true });
          await page.screenshot({ path: join(artifacts, 'logto-sign-in-thai.png'), fullPage: true });
        }
        // The person goes on with Hugging Face from Logto's own page; the loopback gets the callback.
        await huggingFace.first().click();
        await page.waitForURL((url) => url.port === redirectUri.port && url.pathname === '/callback', {
          timeout: 30_000,
        });
      } finally {
        await browser.close();
      }
      expect(landedOn).toBe('/sign-in');
      const thai = bodyText.match(/[\u0E00-\u0E7F]/g) ?? [];
      expect(thai.length).toBeGreaterThan(10);
      expect(await run.exit, run.stderr()).toBe(0);
      expect(run.stderr()).toContain('Signed in as alice-hf (Hugging Face)');
      console.log(
        `[logto thai] ui_locales=th; ${landedOn} shows ${thai.length} Thai characters: “${bodyText.replace(/\s+/g, ' ').trim().slice(0, 80)}”`,
      );
    },
  );

  it('7. the refresh storm: 20 concurrent `token` on an expired keychain session, one refresh at Logto', async () => {
    const isolated = newProfile();
    // A Hugging Face user of its own: its Logto user ID tells this session's refreshes apart.
    await browserLogin(isolated, [], 'new');
    const userId = (await stored(isolated)).user.id;
    const expired = await expire(isolated);
    const since = new Date();
    const runs = Array.from({ length: 20 }, () => runHflogin(['token'], isolated.env));
    const codes = await Promise.all(runs.map((run) => run.exit));
    const printed = new Set(runs.map((run) => run.stdout().trim()));
    expect(codes, runs.map((run) => run.stderr()).join('\n')).toEqual(Array(20).fill(0));
    expect(printed.size).toBe(1);
    const [token] = [...printed];
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(token).not.toBe(expired.accessToken);
    expect((await stored(isolated)).accessToken).toBe(token);

    const count = (result: 'Success' | 'Error', filter: 'user' | 'app') =>
      filter === 'user'
        ? auditCount(stack, { key: refreshKey, since, applicationId: stack.appId, userId, result })
        : auditCount(stack, { key: refreshKey, since, applicationId: stack.appId, result });
    // Past Logto's 3 s reuse grace: a rotated-out token presented now would revoke the grant.
    await sleep(4_000);
    const refreshes = count('Success', 'user');
    const errors = count('Error', 'user');
    const appRefreshes = count('Success', 'app');
    const appErrors = count('Error', 'app');
    console.log(
      `[logto storm] 20 processes, ${refreshes} refresh in Logto's audit log, ${printed.size} distinct token (${errors} refresh errors; whole app in the window: ${appRefreshes} refreshes, ${appErrors} errors)`,
    );
    expect(refreshes).toBe(1);
    expect(errors).toBe(0);

    await expire(isolated);
    const again = await hflogin(['token'], isolated.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).not.toBe(token);
    await expect.poll(() => count('Success', 'user')).toBe(2);
    expect(count('Error', 'user')).toBe(0);
  });

  it('8. SIGINT while Logto’s refresh answer is on its way: saved every time, the grant alive', async () => {
    const isolated = newProfile();
    await browserLogin(isolated, [], 'new');
    const userId = (await stored(isolated)).user.id;
    const proxy = await startHoldingProxy(stack.endpoint, 800);
    const since = new Date();
    const rounds = 5;
    let rotated = 0;
    try {
      for (let round = 1; round <= rounds; round += 1) {
        const before = await expire(isolated);
        const held = once(proxy.events, 'held');
        const run = runHflogin(
          ['token'],
          envFor(isolated, {
            NODE_OPTIONS: `--import ${rerouteLoopback}`,
            HFLOGIN_TEST_REROUTE: `${new URL(stack.endpoint).host}>${new URL(proxy.url).host}`,
          }),
        );
        await Promise.race([held, run.exit]);
        expect(proxy.held(), run.stderr()).toBe(round);
        run.child.kill('SIGINT');
        expect(await run.exit, run.stderr()).toBe(130);
        expect(run.stderr()).toContain('Finishing saving the refreshed session');
        expect(run.stdout()).toBe('');
        const after = await stored(isolated);
        if (after.refreshToken !== before.refreshToken && after.accessToken !== before.accessToken)
          rotated += 1;
      }
    } finally {
      await proxy.close();
    }
    expect(rotated).toBe(rounds);

    await sleep(4_000);
    await expire(isolated);
    const after = await hflogin(['token'], isolated.env);
    expect(after.code, after.stderr).toBe(0);
    const count = (result: 'Success' | 'Error') =>
      auditCount(stack, { key: refreshKey, since, applicationId: stack.appId, userId, result });
    await expect.poll(() => count('Success')).toBe(rounds + 1);
    const errors = count('Error');
    const appErrors = auditCount(stack, {
      key: refreshKey,
      since,
      applicationId: stack.appId,
      result: 'Error',
    });
    console.log(
      `[logto sigint] ${rounds} refreshes interrupted while Logto's answer was held, ${rotated} saved; then a refresh past the grace: exit 0; audit log ${count('Success')} refreshes, ${errors} errors (whole app in the window: ${appErrors} errors)`,
    );
    expect(errors).toBe(0);
  });
});

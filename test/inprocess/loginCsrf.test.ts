import { describe, expect, it } from 'vitest';

import { expectRefused } from '../helpers/hostile.js';
import { browseToCallback, HttpUserAgent, signInInBrowser } from '../helpers/httpUserAgent.js';
import { fakeHost, hflogin, type InProcessRun } from '../helpers/inProcess.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

/**
 * Login CSRF by another local user (#14). A browser's command line is public (/proc/<pid>/cmdline),
 * so hflogin hands the browser only a one-time http://127.0.0.1:<port>/start/<id>; the sign-in URL
 * (state, nonce, PKCE challenge) stays on the terminal. Each test plays the other user from what he
 * can read: the link the fake browser was asked to open.
 */
describe('login CSRF: another local user and the browser link', () => {
  const emulator = useEmulator();

  /** What another user reads in the browser's argv. */
  async function browserArgv(run: InProcessRun): Promise<string> {
    await expect.poll(() => run.browser.opened.length).toBe(1);
    return run.browser.opened[0]!;
  }

  it("keeps state, nonce and PKCE out of the browser's argv; another user's own code is refused, and alice still signs in", async () => {
    const host = fakeHost();
    const run = hflogin(host, loginArgs(emulator, '--storage', 'file'), { browser: 'stay' });
    const printed = await run.signInUrl;
    const argv = await browserArgv(run);
    const start = new URL(argv);
    expect(start.origin).toBe(new URL(printed.searchParams.get('redirect_uri')!).origin);
    expect(start.pathname).toMatch(/^\/start\/[\w-]{43}$/);
    expect(start.search).toBe('');
    for (const secret of ['state', 'nonce', 'code_challenge'])
      expect(argv).not.toContain(printed.searchParams.get(secret)!);

    // Bob knows everything public (client, scopes, the loopback's port from argv), not the secrets:
    // he signs in as himself with his own state, nonce and challenge, and delivers his code here.
    const his = new URL(printed);
    his.searchParams.set('state', 'bobs-own-state');
    his.searchParams.set('nonce', 'bobs-own-nonce');
    his.searchParams.set('code_challenge', 'B'.repeat(43));
    const bobsCallback = new URL(await browseToCallback(his, { user: 'bob-hf' }));
    expect(bobsCallback.origin).toBe(start.origin);
    const withHisState = await fetch(bobsCallback);
    bobsCallback.searchParams.delete('state');
    const withoutState = await fetch(bobsCallback);
    expectRefused(
      "another user's own code delivered to the loopback (state from argv no longer exists)",
      withHisState.status === 400 && withoutState.status === 400,
    );

    // The genuine browser goes through /start and completes as alice.
    expect((await signInInBrowser(argv)).status).toBe(200);
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('Signed in as alice-hf (Hugging Face)');
    expect((await host.session('file'))?.huggingface?.username).toBe('alice-hf');
  });

  it('another user who takes the /start link first is caught by the browser’s own visit: the sign-in stops, nobody is signed in', async () => {
    const host = fakeHost();
    const run = hflogin(host, loginArgs(emulator, '--storage', 'file'), { browser: 'stay' });
    const argv = await browserArgv(run);

    // Bob, quicker than the browser: /start gives him the cookie and the sign-in URL.
    const bob = new HttpUserAgent();
    const bobsStart = await bob.request(argv);
    expect(bobsStart.status).toBe(303);
    const bobsCallback = await browseToCallback(bobsStart.location!, { user: 'bob-hf' });

    // The browser hflogin opened asks for /start too: the second visit stops the sign-in.
    const genuine = await new HttpUserAgent().request(argv);
    expect(genuine.status).toBe(409);
    expect(genuine.body).toContain('already used');
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain('opened a second time');

    // Bob's callback, cookie and all, comes too late.
    const delivered = await bob.request(bobsCallback).then(
      (hop) => hop.status,
      () => 'closed',
    );
    expectRefused(
      'another user took /start first, then delivered his code with its cookie',
      delivered !== 200 && (await host.session('file')) === null,
    );
  });

  it('a second /start (the link replayed after the browser took it) learns nothing and stops the sign-in', async () => {
    const host = fakeHost();
    const run = hflogin(host, loginArgs(emulator, '--storage', 'file', '--json'), { browser: 'stay' });
    const argv = await browserArgv(run);
    const browser = new HttpUserAgent();
    expect((await browser.request(argv)).status).toBe(303);

    const replay = await new HttpUserAgent().request(argv);
    expectRefused(
      'the /start link replayed',
      replay.status === 409 && replay.location === undefined && !replay.body.includes('state='),
    );
    expect(await run.exit).toBe(1);
    const events = run
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.at(-1)).toMatchObject({ event: 'error', code: 'sign_in_link_reused', exitCode: 1 });
    expect(await host.session('file')).toBeNull();
  });

  it('refuses callbacks without the cookie /start set (or with a wrong one), then completes with it', async () => {
    const host = fakeHost();
    const run = hflogin(host, loginArgs(emulator, '--storage', 'file'), { browser: 'stay' });
    const argv = await browserArgv(run);
    const port = new URL(argv).port;

    // /start with an id nobody was given: not found, and the sign-in goes on.
    const unknown = await new HttpUserAgent().request(
      argv.replace(/\/start\/.*/, `/start/${'A'.repeat(43)}`),
    );
    expectRefused('/start with an unknown id', unknown.status === 404 && unknown.location === undefined);

    // The browser takes /start and signs in; its callback is replayed without its cookie first.
    const browser = new HttpUserAgent();
    const start = await browser.request(argv);
    const callback = await browseToCallback(start.location!);
    const withoutCookie = await fetch(callback);
    expectRefused('a /callback without the sign-in cookie', withoutCookie.status === 400);
    const wrongCookie = await fetch(callback, { headers: { cookie: `hflogin_${port}=${'x'.repeat(43)}` } });
    expectRefused('a /callback with a wrong sign-in cookie', wrongCookie.status === 400);
    expect(await withoutCookie.text()).toContain('did not come through the browser window');
    expect(run.stderr()).toContain('no sign-in cookie');

    // The code was not spent: the browser's own delivery, with the cookie, completes.
    expect((await browser.request(callback)).status).toBe(200);
    expect(await run.exit).toBe(0);
    expect((await host.session('file'))?.huggingface?.username).toBe('alice-hf');
  });

  it('says why on a timeout when only callbacks without the cookie came', async () => {
    const run = hflogin(fakeHost(), loginArgs(emulator, '--storage', 'file', '--timeout', '2'), {
      browser: 'stay',
    });
    const argv = await browserArgv(run);
    const start = await new HttpUserAgent().request(argv);
    expect((await fetch(await browseToCallback(start.location!))).status).toBe(400);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain('without the cookie of the browser this sign-in opened');
  });

  it('works on --port 80: the browser sends Host 127.0.0.1, without the port', async (context) => {
    const run = hflogin(fakeHost(), loginArgs(emulator, '--storage', 'file', '--port', '80'));
    const url = await Promise.race([run.signInUrl, run.exit.then(() => undefined)]);
    if (!url) {
      // Port 80 is not ours to take here (unprivileged user, or in use).
      expect(run.stderr()).toMatch(/Port 80 on 127.0.0.1 is (already in use|not allowed)/);
      context.skip();
      return;
    }
    expect(url.searchParams.get('redirect_uri')).toBe('http://127.0.0.1/callback');
    expect(run.browser.opened[0]).toMatch(/^http:\/\/127\.0\.0\.1\/start\//);
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain('Signed in as alice-hf (Hugging Face)');
  });
});

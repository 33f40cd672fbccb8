import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { defaultOptions } from '../emulator/options.js';
import { fakeHost, hflogin, type FakeHost } from '../helpers/inProcess.js';
import { deviceLoginArgs, loginArgs, useEmulator } from '../helpers/useEmulator.js';

/** A Native app that registers another redirect URI than the one hflogin uses. */
const otherRedirectApp = {
  id: 'app-without-loopback',
  name: 'registered elsewhere',
  kind: 'native' as const,
  redirectUris: ['http://127.0.0.1/other'],
};

interface LoginEvent {
  event: string;
  [field: string]: unknown;
}

const events = (stdout: string): LoginEvent[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LoginEvent);

/**
 * `login` asks Logto about the app before any browser opens: a wrong app ID or an unregistered
 * redirect URI fails at once with the fix (it used to show Logto's raw JSON in the browser while
 * the terminal waited for --timeout); a disabled connector is said before the browser opens.
 */
describe('the checks before a sign-in', () => {
  const emulator = useEmulator({ apps: [...defaultOptions().apps, otherRedirectApp] });
  let host: FakeHost;
  beforeEach(() => {
    host = fakeHost();
  });
  afterEach(() => {
    emulator.options.huggingFaceConnector = true;
    emulator.options.signInExperience = true;
    emulator.options.discoveryOverride = {};
  });

  it('a wrong app ID: exit 2 in under 2 s with the fix, no browser opened, no URL printed, nothing saved', async () => {
    const started = performance.now();
    const run = hflogin(host, ['login', '--endpoint', emulator.endpoint, '--app-id', 'no-such-app']);
    const code = await run.exit;
    const seconds = (performance.now() - started) / 1000;
    console.log(`[preflight] wrong app ID: exit ${code} after ${seconds.toFixed(2)} s`);
    expect(code).toBe(2);
    expect(seconds).toBeLessThan(2);
    expect(run.browser.opened).toEqual([]);
    const host_ = new URL(emulator.endpoint).host;
    expect(run.stderr()).toBe(
      [
        `Error: ${host_} has no app with the ID "no-such-app" (Logto answered invalid_client).`,
        'Hint: Use the App ID of your Native app (Logto Console → Applications → your app → "App ID"), then hflogin login --app-id <App ID> (or hflogin config set app-id <App ID>).',
        '',
      ].join('\n'),
    );
    expect(await host.session('keychain')).toBeNull();
  });

  it('a redirect URI the app does not register: exit 2 in under 2 s naming the URI to register and where', async () => {
    const started = performance.now();
    const run = hflogin(host, [
      'login',
      '--endpoint',
      emulator.endpoint,
      '--app-id',
      otherRedirectApp.id,
      '--port',
      '0',
    ]);
    const code = await run.exit;
    const seconds = (performance.now() - started) / 1000;
    console.log(`[preflight] redirect URI not registered: exit ${code} after ${seconds.toFixed(2)} s`);
    expect(code).toBe(2);
    expect(seconds).toBeLessThan(2);
    expect(run.browser.opened).toEqual([]);
    expect(run.stderr()).toMatch(
      /^Error: The app "app-without-loopback" at 127\.0\.0\.1:\d+ does not accept the redirect URI http:\/\/127\.0\.0\.1:\d+\/callback \(Logto answered invalid_redirect_uri\)\.\n/,
    );
    expect(run.stderr()).toContain(
      'Hint: In Logto Console → Applications → the app "app-without-loopback" → Settings → Redirect URIs, add http://127.0.0.1/callback and save',
    );
    expect(run.stderr()).not.toContain('/oidc/auth?');
  });

  it('with --json: one error event with the code and fix, and no url event', async () => {
    const run = hflogin(host, [
      'login',
      '--json',
      '--endpoint',
      emulator.endpoint,
      '--app-id',
      'no-such-app',
    ]);
    expect(await run.exit).toBe(2);
    expect(events(run.stdout())).toEqual([
      {
        schemaVersion: 1,
        event: 'error',
        code: 'app_not_found',
        message: expect.stringContaining('has no app with the ID "no-such-app"'),
        hint: expect.stringContaining('Logto Console → Applications'),
        exitCode: 2,
      },
    ]);
    expect(run.browser.opened).toEqual([]);
  });

  it('a device-flow app ID given as the app ID is refused too, naming the redirect URI fix', async () => {
    const run = hflogin(host, loginArgs({ endpoint: emulator.endpoint, appId: emulator.deviceAppId }));
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('Logto answered invalid_redirect_uri');
    expect(run.stderr()).toContain(
      `If "${emulator.deviceAppId}" is not a Native app, use the App ID of one.`,
    );
    expect(run.browser.opened).toEqual([]);
  });

  it('--device with a wrong device app ID: exit 2 with the fix, no code shown', async () => {
    const run = hflogin(host, deviceLoginArgs({ endpoint: emulator.endpoint, deviceAppId: 'no-such-app' }));
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('has no app with the ID "no-such-app" (Logto answered invalid_client).');
    expect(run.stderr()).toContain(
      'Hint: Use the App ID of your device-flow app (Logto Console → Applications → your app → "App ID"; create one of the "Device flow" kind if there is none), then hflogin login --device --device-app-id <App ID>',
    );
    expect(run.stderr()).not.toContain('Code:');
  });

  it('--device with the Native app ID: exit 2, it is not a device-flow app', async () => {
    const run = hflogin(host, deviceLoginArgs({ endpoint: emulator.endpoint, deviceAppId: emulator.appId }));
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain(
      `Error: The app "${emulator.appId}" at ${new URL(emulator.endpoint).host} may not use the device flow: it is not a device-flow app.`,
    );
    expect(run.stderr()).toContain('Hint: --device needs a second Logto app of the "Device flow" kind');
  });

  it('switching to a device code (d) with a wrong device-flow app ID: exit 2 with the same fix', async () => {
    const run = hflogin(
      host,
      loginArgs(emulator, '--storage', 'file', '--device-app-id', 'no-such-device-app'),
      { terminal: true, browser: 'stay' },
    );
    await expect.poll(() => run.stderr()).toMatch(/d to sign in with a device code instead/);
    run.type('d');
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain(
      `Error: ${new URL(emulator.endpoint).host} has no app with the ID "no-such-device-app" (Logto answered invalid_client).`,
    );
    expect(run.stderr()).toContain('Hint: Use the App ID of your device-flow app');
  });

  it('a disabled connector: a warning before the browser opens (and a --json event), then the sign-in goes on', async () => {
    emulator.options.huggingFaceConnector = false;
    const run = hflogin(host, loginArgs(emulator, '--json'), { browser: 'stay' });
    await expect.poll(() => run.browser.opened.length).toBe(1);
    const stderr = run.stderr();
    const warning = stderr.indexOf(
      `Warning: The "huggingface" connector is not enabled at ${new URL(emulator.endpoint).host}, so Logto will show its own sign-in page instead of going straight to it.`,
    );
    expect(warning).toBe(0);
    expect(stderr).toContain(
      '  To go straight to it, enable it in Logto Console → Sign-in experience → Sign-up and sign-in → Social sign-in; or pass --connector <target> / --no-connector.',
    );
    // The line about the browser no longer claims a preselection.
    expect(stderr).toContain(`Sign in to ${new URL(emulator.endpoint).host} in your browser:`);
    expect(stderr).not.toContain('preselected');
    const [first, second] = events(run.stdout());
    expect(first).toEqual({
      schemaVersion: 1,
      event: 'warning',
      code: 'connector_not_enabled',
      connector: 'huggingface',
      message: expect.stringContaining('not enabled'),
      hint: expect.stringContaining('Social sign-in'),
    });
    expect(second!.event).toBe('url');
    run.interrupt();
    expect(await run.exit).toBe(130);
  });

  it('says nothing about an enabled connector, and nothing but a --debug line when the sign-in experience cannot be read', async () => {
    const enabled = hflogin(host, loginArgs(emulator, '--debug'));
    expect(await enabled.exit).toBe(0);
    expect(enabled.stderr()).not.toContain('Warning');
    expect(enabled.stderr()).toContain('debug: connector check: enabled social connectors [huggingface]');
    expect(enabled.stderr()).toContain('debug: app check (hflogin-native-app, http://127.0.0.1:');
    expect(enabled.stderr()).toContain('(Hugging Face preselected)');

    const other = hflogin(fakeHost(), loginArgs(emulator, '--connector', 'github'), { browser: 'stay' });
    await expect.poll(() => other.browser.opened.length).toBe(1);
    expect(other.stderr()).toMatch(/^Warning: The "github" connector is not enabled at /);
    other.interrupt();
    expect(await other.exit).toBe(130);

    // A tenant whose sign-in experience is not there (a proxy exposing only /oidc): no warning.
    emulator.options.signInExperience = false;
    const silent = hflogin(fakeHost(), loginArgs(emulator, '--debug'));
    expect(await silent.exit).toBe(0);
    expect(silent.stderr()).not.toContain('Warning');
    expect(silent.stderr()).toMatch(
      /debug: connector check: could not read the sign-in experience \(http:\/\/127\.0\.0\.1:\d+\/api\/\.well-known\/sign-in-exp answered HTTP 404\)/,
    );
  });

  it('goes on with the sign-in when the app check gets an answer it cannot read (--debug says so)', async () => {
    // An authorization endpoint that answers 404 to everything: the check learns nothing.
    emulator.options.discoveryOverride = { authorization_endpoint: `${emulator.issuer}/nowhere` };
    const run = hflogin(host, loginArgs(emulator, '--debug'), { browser: 'stay' });
    await expect.poll(() => run.browser.opened.length).toBe(1);
    expect(run.stderr()).toMatch(
      /debug: app check \(hflogin-native-app, http:\/\/127\.0\.0\.1:\d+\/callback\): unclear \(HTTP 404\); going on/,
    );
    run.interrupt();
    expect(await run.exit).toBe(130);
  });
});

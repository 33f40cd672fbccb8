import { existsSync, readFileSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';
import { logtoStack, managementApi } from './stack.js';

const logto = logtoStack();

interface Check {
  name: string;
  status: string;
  detail: string;
  fix: string | null;
}

/**
 * The checks before a sign-in, against the real Logto 1.42: a wrong app ID, an app that does not
 * register hflogin's redirect URI, a connector the sign-in experience does not enable, a wrong
 * device-flow app — each said before any browser opens (the recorder $BROWSER proves none was
 * started), and `doctor`'s checks of the same.
 */
describe.skipIf(logto.skip)('the checks before a sign-in, on the real Logto', () => {
  const { stack } = logto;
  const host = new URL(stack.endpoint).host;
  /** A Native app made for this file that registers another redirect URI than hflogin's. */
  let otherRedirectApp: { id: string } | undefined;

  beforeAll(() => {
    otherRedirectApp = managementApi(stack, 'POST', '/api/applications', {
      name: 'hflogin preflight (no loopback redirect)',
      type: 'Native',
      description: 'made and deleted by test/logto/preflight.test.ts',
      oidcClientMetadata: { redirectUris: ['http://127.0.0.1/other'], postLogoutRedirectUris: [] },
    }) as { id: string };
  });
  afterAll(() => {
    if (otherRedirectApp) managementApi(stack, 'DELETE', `/api/applications/${otherRedirectApp.id}`);
  });

  /** `hflogin <args>` as a user runs it, with the recorder as $BROWSER; how long it took. */
  const run = async (args: string[]) => {
    const isolated = isolatedProfile();
    const started = performance.now();
    const process = runHflogin(args, { ...isolated.env, HFLOGIN_STORAGE: 'file' });
    const code = await process.exit;
    const seconds = (performance.now() - started) / 1000;
    const opened = existsSync(isolated.browserLog) ? readFileSync(isolated.browserLog, 'utf8') : '';
    return { code, seconds, stdout: process.stdout(), stderr: process.stderr(), opened };
  };

  it('a wrong app ID: exit 2 in under 2 s with the fix, no browser started', async () => {
    const result = await run(['login', '--endpoint', stack.endpoint, '--app-id', 'no-such-app-id']);
    console.log(`[logto preflight] wrong app ID: exit ${result.code} in ${result.seconds.toFixed(2)} s`);
    expect(result.code, result.stderr).toBe(2);
    expect(result.seconds).toBeLessThan(2);
    expect(result.opened).toBe('');
    expect(result.stderr).toBe(
      [
        `Error: ${host} has no app with the ID "no-such-app-id" (Logto answered invalid_client).`,
        'Hint: Use the App ID of your Native app (Logto Console → Applications → your app → "App ID"), then hflogin login --app-id <App ID> (or hflogin config set app-id <App ID>).',
        '',
      ].join('\n'),
    );
  });

  it('an app without http://127.0.0.1/callback: exit 2 in under 2 s naming the URI to register, no browser started', async () => {
    const id = otherRedirectApp!.id;
    const result = await run(['login', '--endpoint', stack.endpoint, '--app-id', id]);
    console.log(
      `[logto preflight] redirect URI not registered: exit ${result.code} in ${result.seconds.toFixed(2)} s`,
    );
    expect(result.code, result.stderr).toBe(2);
    expect(result.seconds).toBeLessThan(2);
    expect(result.opened).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        `^Error: The app "${id}" at ${host.replace(/\./g, '\\.')} does not accept the redirect URI http://127\\.0\\.0\\.1:\\d+/callback \\(Logto answered invalid_redirect_uri\\)\\.\\n`,
      ),
    );
    expect(result.stderr).toContain(
      `Hint: In Logto Console → Applications → the app "${id}" → Settings → Redirect URIs, add http://127.0.0.1/callback and save`,
    );
  });

  it('a connector the sign-in experience does not enable: the warning, before the browser opens', async () => {
    const result = await run([
      'login',
      '--endpoint',
      stack.endpoint,
      '--app-id',
      stack.appId,
      '--connector',
      'github',
      '--timeout',
      '1',
    ]);
    // Nobody signs in: the recorder only records. The sign-in times out after the browser opened.
    expect(result.code).toBe(124);
    expect(result.opened).toContain(`http://127.0.0.1:`);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe(
      `Warning: The "github" connector is not enabled at ${host}, so Logto will show its own sign-in page instead of going straight to it.`,
    );
    expect(lines[1]).toBe(
      '  To go straight to it, enable it in Logto Console → Sign-in experience → Sign-up and sign-in → Social sign-in; or pass --connector <target> / --no-connector.',
    );
    expect(lines[2]).toBe(`Sign in to ${host} in your browser:`);
  });

  it('--device with a wrong device-flow app ID, or the Native app’s: exit 2 with the fix, no code shown', async () => {
    const unknown = await run([
      'login',
      '--device',
      '--endpoint',
      stack.endpoint,
      '--device-app-id',
      'no-such-app-id',
    ]);
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toContain(
      `Error: ${host} has no app with the ID "no-such-app-id" (Logto answered invalid_client).`,
    );
    expect(unknown.stderr).toContain('Hint: Use the App ID of your device-flow app');
    expect(unknown.stderr).not.toContain('Code:');

    const native = await run([
      'login',
      '--device',
      '--endpoint',
      stack.endpoint,
      '--device-app-id',
      stack.appId,
    ]);
    expect(native.code, native.stderr).toBe(2);
    expect(native.stderr).toContain(
      `Error: The app "${stack.appId}" at ${host} may not use the device flow: it is not a device-flow app.`,
    );
  });

  it('doctor: the app, device-app and connector checks pass on the stack, and a wrong app ID fails once', async () => {
    const doctor = async (env: NodeJS.ProcessEnv) => {
      const isolated = isolatedProfile();
      const process = runHflogin(['doctor', '--json'], {
        ...isolated.env,
        HFLOGIN_STORAGE: 'file',
        HFLOGIN_ENDPOINT: stack.endpoint,
        HTTP_PROXY: '',
        http_proxy: '',
        HTTPS_PROXY: '',
        https_proxy: '',
        ...env,
      });
      const code = await process.exit;
      const checks = (JSON.parse(process.stdout()) as { checks: Check[] }).checks;
      return { code, check: (name: string) => checks.find((check) => check.name === name)! };
    };
    const healthy = await doctor({ HFLOGIN_APP_ID: stack.appId, HFLOGIN_DEVICE_APP_ID: stack.deviceAppId });
    expect(healthy.code).toBe(0);
    expect(healthy.check('app')).toMatchObject({ status: 'ok' });
    expect(healthy.check('app').detail).toMatch(
      new RegExp(
        `^${host.replace(/\./g, '\\.')} knows the app ${stack.appId} and accepts http://127\\.0\\.0\\.1:\\d+/callback$`,
      ),
    );
    expect(healthy.check('device-app')).toMatchObject({ status: 'ok' });
    expect(healthy.check('connector')).toMatchObject({
      status: 'ok',
      detail: `"huggingface" is enabled in ${host}'s sign-in experience`,
    });

    const wrong = await doctor({ HFLOGIN_APP_ID: 'no-such-app-id', HFLOGIN_DEVICE_APP_ID: stack.appId });
    expect(wrong.code).toBe(1);
    expect(wrong.check('app')).toMatchObject({ status: 'failed' });
    expect(wrong.check('device-app')).toMatchObject({
      status: 'failed',
      detail: `The app "${stack.appId}" at ${host} may not use the device flow: it is not a device-flow app.`,
    });
  });
});

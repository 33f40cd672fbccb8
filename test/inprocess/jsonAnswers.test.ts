import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../src/io/errorCodes.js';
import { approveDevice } from '../helpers/deviceApproval.js';
import { fakeHost, hflogin, type FakeHost, type InProcessRun } from '../helpers/inProcess.js';
import { assertValid, isValid, schemaFiles, type SchemaName } from '../helpers/jsonSchemas.js';
import { deviceLoginArgs, loginArgs, tenantArgs, useEmulator } from '../helpers/useEmulator.js';

/** Every line stdout carried, each parsed: a `--json` command prints exactly one document. */
function documents(run: InProcessRun): Array<Record<string, unknown>> {
  return run
    .stdout()
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** `--json` is one answer on stdout, always: on failure too, and for the commands that change things. */
describe('one JSON document per --json command', () => {
  const emulator = useEmulator();

  it.each([
    ['whoami', ['whoami', '--json']],
    ['token', ['token', '--json']],
    ['token --resource', ['token', '--resource', 'https://api.example.com', '--json']],
  ])(
    '%s --json signed out: the error as JSON on stdout, exit 4, the words on stderr',
    async (_name, args) => {
      const run = hflogin(fakeHost(), args);
      expect(await run.exit).toBe(4);
      expect(documents(run)).toEqual([
        {
          schemaVersion: 1,
          error: {
            code: 'not_signed_in',
            message: expect.stringContaining('Not signed in'),
            hint: expect.stringContaining('hflogin login'),
            exitCode: 4,
          },
        },
      ]);
      expect(run.stderr()).toContain('Error: Not signed in');
    },
  );

  it('a usage error found by a command is a JSON error too (exit 2)', async () => {
    const run = hflogin(fakeHost(), ['config', 'set', 'storage', 'plaintext', '--json']);
    expect(await run.exit).toBe(2);
    expect(documents(run)).toEqual([
      { schemaVersion: 1, error: expect.objectContaining({ code: 'usage', exitCode: 2 }) },
    ]);
  });

  it('config set and unset --json say what they did, by the CLI key names', async () => {
    const host = fakeHost();
    const set = hflogin(host, ['config', 'set', 'app-id', 'a1', '--json']);
    expect(await set.exit).toBe(0);
    expect(documents(set)).toEqual([{ schemaVersion: 1, profile: host.profile, set: { 'app-id': 'a1' } }]);
    const unset = hflogin(host, ['config', 'unset', 'app-id', '--json']);
    expect(await unset.exit).toBe(0);
    expect(documents(unset)).toEqual([{ schemaVersion: 1, profile: host.profile, unset: 'app-id' }]);
  });

  it('logout --json says what happened to each profile', async () => {
    const host = fakeHost();
    await host.seed(emulator, 'keychain');
    const signedIn = hflogin(host, ['logout', '--json']);
    expect(await signedIn.exit).toBe(0);
    expect(documents(signedIn)).toEqual([
      {
        schemaVersion: 1,
        profiles: [
          {
            profile: host.profile,
            outcome: 'revoked',
            endpoint: emulator.endpoint,
            stillValid: [],
            error: null,
            browserSignOut: null,
          },
        ],
      },
    ]);
    const again = hflogin(host, ['logout', '--json']);
    expect(await again.exit).toBe(0);
    expect(documents(again)).toEqual([
      {
        schemaVersion: 1,
        profiles: [
          {
            profile: host.profile,
            outcome: 'none',
            endpoint: null,
            stillValid: [],
            error: null,
            browserSignOut: null,
          },
        ],
      },
    ]);
  });

  it('status and doctor --json that fail print their report only, not a second document', async () => {
    const status = hflogin(fakeHost(), ['status', '--json']);
    expect(await status.exit).toBe(4);
    expect(documents(status)).toEqual([
      expect.objectContaining({ schemaVersion: 1, profiles: expect.any(Array) }),
    ]);
    const doctor = hflogin(fakeHost(), ['doctor', '--json']);
    expect(await doctor.exit).toBe(1);
    expect(documents(doctor)).toEqual([expect.objectContaining({ schemaVersion: 1, ok: false })]);
  });

  it('login --json that fails: its events end with the error, and nothing follows them', async () => {
    const run = hflogin(fakeHost(), loginArgs(emulator, '--json', '--timeout', '0'), { browser: 'stay' });
    expect(await run.exit).toBe(124);
    const events = documents(run);
    expect(events.at(-1)).toMatchObject({ event: 'error', code: 'timed_out', exitCode: 124 });
    expect(events.filter((event) => 'error' in event && !('event' in event))).toEqual([]);
  });
});

/** The one document a run printed, valid against `schema`; returns it for further checks. */
function oneValid(run: InProcessRun, schema: SchemaName): Record<string, unknown> {
  const printed = documents(run);
  expect(printed).toHaveLength(1);
  assertValid(schema, printed[0]);
  return printed[0]!;
}

/** A host whose config file holds `profiles` as given. */
function withConfig(host: FakeHost, profiles: Record<string, Record<string, string>>): FakeHost {
  mkdirSync(host.configDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(host.configDir, 'config.json'), JSON.stringify({ schemaVersion: 1, profiles }), {
    mode: 0o600,
  });
  return host;
}

/**
 * Every command's real `--json` output, success and failure, validated against its schema in
 * docs/schemas (ajv, draft 2020-12, strict): the schemas the README links are the shapes scripts get.
 */
describe('every --json answer is valid against its schema in docs/schemas', () => {
  const emulator = useEmulator();
  const validated = new Set<string>();
  const check = async (run: InProcessRun, schema: SchemaName) => {
    await run.exit;
    const document = oneValid(run, schema);
    validated.add(schema);
    return document;
  };

  it('the schemas: one per command output plus the error document, each compiling in strict mode', () => {
    expect(Object.keys(schemaFiles()).sort()).toEqual(
      [
        'config-get',
        'config-init',
        'config-list',
        'config-set',
        'config-unset',
        'doctor',
        'error',
        'login-event',
        'logout',
        'status',
        'token',
        'whoami',
      ].sort(),
    );
    for (const name of Object.keys(schemaFiles()))
      expect(() => isValid(name as SchemaName, {})).not.toThrow();
  });

  it("the error schema's codes are exactly src/io/errorCodes.ts's, and a provider's OAuth code passes through", () => {
    const defs = schemaFiles().error!.$defs as { hfloginCode: { enum: string[] } };
    expect([...defs.hfloginCode.enum].sort()).toEqual(Object.values(ErrorCode).sort());
    const error = (code: string, hint = 'h') => ({
      schemaVersion: 1,
      error: { code, message: 'm', hint, exitCode: 1 },
    });
    expect(isValid('error', error('invalid_client'))).toBe(true);
    // Strict: a hint is required and never empty, and nothing else rides along.
    expect(isValid('error', error('usage', ''))).toBe(false);
    expect(isValid('error', { ...error('usage'), extra: 1 })).toBe(false);
    expect(isValid('error', error('Not A Code'))).toBe(false);
  });

  it('whoami, token, status, logout: signed in, then signed out', async () => {
    const host = fakeHost();
    await host.seed(emulator, 'keychain', {
      params: {
        resource: 'https://api.example.com',
        scope: 'openid offline_access profile email identities read:models',
      },
    });
    const whoami = await check(hflogin(host, ['whoami', '--json']), 'whoami');
    await check(hflogin(host, ['token', '--json']), 'token');
    await check(hflogin(host, ['token', '--resource', 'https://api.example.com', '--json']), 'token');
    const status = await check(hflogin(host, ['status', '--json']), 'status');
    // status and whoami describe the same person with the same objects.
    const [profile] = status.profiles as Array<Record<string, unknown>>;
    expect(profile!.huggingface).toEqual(whoami.huggingface);
    expect(profile!.user).toEqual(whoami.user);
    const logout = await check(hflogin(host, ['logout', '--json']), 'logout');
    expect(logout.profiles).toEqual([
      expect.objectContaining({ outcome: 'revoked', stillValid: [expect.objectContaining({})] }),
    ]);
    await check(hflogin(host, ['logout', '--json']), 'logout');

    for (const args of [['whoami'], ['token']]) {
      const run = hflogin(host, [...args, '--json']);
      expect(await run.exit).toBe(4);
      await check(run, 'error');
    }
    const signedOut = hflogin(host, ['status', '--json']);
    expect(await signedOut.exit).toBe(4);
    await check(signedOut, 'status');
  });

  it('status and logout --all when the keychain cannot be loaded (exit 6): their reports', async () => {
    const host = fakeHost();
    await host.seed(emulator, 'keychain');
    const addon = new Error('libsecret-1.so.0: cannot open shared object file');
    const status = hflogin(host, ['status', '--json'], { keychainAddonFails: addon });
    expect(await status.exit).toBe(6);
    await check(status, 'status');
    const logout = hflogin(host, ['logout', '--all', '--json'], { keychainAddonFails: addon });
    expect(await logout.exit).toBe(6);
    expect((await check(logout, 'logout')).profiles).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        error: expect.objectContaining({ code: 'storage_unavailable' }),
      }),
    ]);
  });

  it('config get, set, unset, list: success and failure', async () => {
    const host = fakeHost();
    await check(hflogin(host, ['config', 'set', 'endpoint', emulator.endpoint, '--json']), 'config-set');
    await check(hflogin(host, ['config', 'set', 'app-id', emulator.appId, '--json']), 'config-set');
    await check(hflogin(host, ['config', 'set', 'storage', 'file', '--json']), 'config-set');
    const get = await check(hflogin(host, ['config', 'get', 'app-id', '--json']), 'config-get');
    expect(get).toEqual({ schemaVersion: 1, profile: host.profile, key: 'app-id', value: emulator.appId });
    const list = await check(hflogin(host, ['config', 'list', '--json']), 'config-list');
    // The CLI's key names, as `config set` takes them: app-id, not appId.
    expect(list.profiles).toEqual({
      [host.profile]: { endpoint: emulator.endpoint, 'app-id': emulator.appId, storage: 'file' },
    });
    await check(hflogin(host, ['config', 'unset', 'app-id', '--json']), 'config-unset');

    const notSet = hflogin(host, ['config', 'get', 'app-id', '--json']);
    expect(await notSet.exit).toBe(1);
    expect(await check(notSet, 'error')).toMatchObject({ error: { code: 'not_set' } });
    for (const args of [
      ['config', 'set', 'storage', 'plaintext'],
      ['config', 'unset', 'password'],
      ['config', 'get', 'password'],
    ]) {
      const run = hflogin(host, [...args, '--json']);
      expect(await run.exit).toBe(2);
      await check(run, 'error');
    }
    const broken = fakeHost();
    mkdirSync(broken.configDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(broken.configDir, 'config.json'), '{not json', { mode: 0o600 });
    const list2 = hflogin(broken, ['config', 'list', '--json']);
    expect(await list2.exit).toBe(2);
    expect(await check(list2, 'error')).toMatchObject({ error: { code: 'config_invalid' } });
  });

  it('config init: the profile saved on a terminal; refused without one', async () => {
    const host = fakeHost();
    const run = hflogin(host, ['config', 'init', '--json'], { terminal: true });
    const answer = async (prompt: RegExp, text: string) => {
      await expect.poll(() => run.stderr(), { timeout: 10_000 }).toMatch(prompt);
      run.type(`${text}\r`);
    };
    await answer(/Logto endpoint/, emulator.endpoint);
    await answer(/App ID of the Logto Native app/, emulator.appId);
    await answer(/device-flow app \(optional/, '');
    await answer(/Social connector to go straight to/, '');
    expect(await run.exit).toBe(0);
    expect((await check(run, 'config-init')).settings).toMatchObject({
      endpoint: emulator.endpoint,
      'app-id': emulator.appId,
    });

    const refused = hflogin(fakeHost(), ['config', 'init', '--json']);
    expect(await refused.exit).toBe(2);
    await check(refused, 'error');
  });

  it('doctor: a healthy setup, and a failing one (its report, exit 1)', async () => {
    const healthy = withConfig(fakeHost({ DISPLAY: ':0' }), {});
    withConfig(healthy, {
      [healthy.profile]: { endpoint: emulator.endpoint, appId: emulator.appId, storage: 'file' },
    });
    const ok = hflogin(healthy, ['doctor', '--json']);
    expect(await ok.exit).toBe(0);
    expect(await check(ok, 'doctor')).toMatchObject({ ok: true });
    const failing = hflogin(fakeHost(), ['doctor', '--json']);
    expect(await failing.exit).toBe(1);
    expect(await check(failing, 'doctor')).toMatchObject({ ok: false });
  });

  it('login: every event of a browser sign-in, of a device sign-in, and of a failure', async () => {
    const browser = hflogin(fakeHost(), loginArgs(emulator, '--storage', 'file', '--json'));
    expect(await browser.exit).toBe(0);
    const events = documents(browser);
    expect(events.map((event) => event.event)).toEqual(['url', 'waiting', 'signed-in']);
    for (const event of events) assertValid('login-event', event);

    emulator.options.deviceFlow = { interval: 1, slowDown: false };
    try {
      const device = hflogin(fakeHost(), deviceLoginArgs(emulator, '--storage', 'file', '--json'));
      await expect.poll(() => device.stderr(), { timeout: 15_000 }).toMatch(/Waiting for approval/);
      await approveDevice(/^ {2}(http\S+\/device\?user_code=\S+)$/m.exec(device.stderr())![1]!);
      expect(await device.exit).toBe(0);
      const deviceEvents = documents(device);
      expect(deviceEvents.map((event) => event.event)).toEqual(['device', 'waiting', 'signed-in']);
      for (const event of deviceEvents) assertValid('login-event', event);
    } finally {
      emulator.options.deviceFlow = { interval: null, slowDown: false };
    }

    const failed = hflogin(fakeHost(), loginArgs(emulator, '--json', '--timeout', '0'), { browser: 'stay' });
    expect(await failed.exit).toBe(124);
    const failure = documents(failed);
    for (const event of failure) assertValid('login-event', event);
    expect(failure.at(-1)).toMatchObject({ event: 'error', code: 'timed_out' });
    validated.add('login-event');

    // A warning (e.g. the connector is not enabled) is an event of its own; the sign-in goes on.
    expect(
      isValid('login-event', {
        schemaVersion: 1,
        event: 'warning',
        code: 'connector_not_enabled',
        message: 'github is not enabled',
      }),
    ).toBe(true);
  });

  it('refused on the command line, before any command runs: the error document too', async () => {
    for (const [args, code] of [
      [['login', '--port', '99999', '--json'], 2],
      [['login', '--timeout', '-1', '--json'], 2],
      [['whoami', '--bogus', '--json'], 2],
      [['login', '--storage', 'cloud', '--json'], 2],
      [['completion', 'tcsh', '--json'], 2],
      [['status', '--profile', 'no/such', '--json'], 2],
      [['token', '--json', ...tenantArgs(emulator)], 2],
    ] as const) {
      const run = hflogin(fakeHost(), [...args]);
      expect(await run.exit, args.join(' ')).toBe(code);
      const document = await check(run, 'error');
      expect((document.error as { hint: string }).hint).not.toBe('');
    }
  });

  it('covered every schema with real output', () => {
    expect([...validated].sort()).toEqual(Object.keys(schemaFiles()).sort());
  });
});

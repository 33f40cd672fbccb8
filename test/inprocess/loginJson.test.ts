import { describe, expect, it } from 'vitest';

import { fakeHost, hflogin } from '../helpers/inProcess.js';
import { deviceLoginArgs, loginArgs, useEmulator } from '../helpers/useEmulator.js';

function events(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** `login --json`: newline-delimited JSON events on stdout, for editors and agents. */
describe('login --json', () => {
  const emulator = useEmulator({ deviceFlow: { interval: 1 } });

  it('emits url, waiting and signed-in, each with schemaVersion', async () => {
    const host = fakeHost();
    const run = hflogin(host, loginArgs(emulator, '--json', '--storage', 'file'), {
      browser: { user: 'alice-hf' },
    });
    expect(await run.exit).toBe(0);
    const lines = events(run.stdout());
    expect(lines.map((line) => line.event)).toEqual(['url', 'waiting', 'signed-in']);
    expect(lines.every((line) => line.schemaVersion === 1)).toBe(true);
    expect(lines[0]).toMatchObject({
      url: (await run.signInUrl).href,
      opened: true,
      redirectUri: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/callback$/),
    });
    expect(lines[1]).toMatchObject({ for: 'browser', timeoutSeconds: 300 });
    expect(lines[2]).toMatchObject({
      profile: host.profile,
      endpoint: emulator.endpoint,
      user: { id: 'u1alice00001', name: 'Alice Ng' },
      huggingface: { username: 'alice-hf' },
      storage: 'file',
    });
    // No token in the events.
    expect(run.stdout()).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it('emits an error event with the exit code when the sign-in is refused', async () => {
    const run = hflogin(fakeHost(), loginArgs(emulator, '--json', '--storage', 'file'), {
      browser: { decision: 'deny' },
    });
    expect(await run.exit).toBe(1);
    const last = events(run.stdout()).at(-1);
    expect(last).toMatchObject({ schemaVersion: 1, event: 'error', code: 'access_denied', exitCode: 1 });
    expect(String(last?.message)).toContain('Hugging Face');
  });

  it('emits the device code for --device', async () => {
    const run = hflogin(
      fakeHost(),
      deviceLoginArgs(emulator, '--json', '--storage', 'file', '--timeout', '2'),
    );
    expect(await run.exit).toBe(124);
    const lines = events(run.stdout());
    expect(lines.map((line) => line.event)).toEqual(['device', 'waiting', 'error']);
    expect(lines[0]).toMatchObject({
      userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
      expiresIn: 600,
    });
    expect(lines[2]).toMatchObject({ code: 'timed_out', exitCode: 124 });
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { version } from '../../src/version.js';
import { fakeHost, hflogin } from '../helpers/inProcess.js';

/**
 * The command line itself: --version, completion scripts, suggestions and help (bash loading the
 * script: test/e2e/completion.test.ts; the built binary: test/e2e/cli.test.ts).
 */
describe('the command line', () => {
  const run = (...args: string[]) => hflogin(fakeHost(), args);

  it('answers --version and -V with the version alone', async () => {
    for (const flag of ['--version', '-V']) {
      const probe = run(flag);
      expect(await probe.exit).toBe(0);
      expect(probe.stdout()).toBe(`${version}\n`);
      expect(probe.stderr()).toBe('');
    }
  });

  it('prints zsh and fish scripts, and refuses other shells with exit 2', async () => {
    const zsh = run('completion', 'zsh');
    expect(await zsh.exit).toBe(0);
    expect(zsh.stdout()).toContain('compdef _hflogin hflogin');
    const fish = run('completion', 'fish');
    expect(await fish.exit).toBe(0);
    expect(fish.stdout()).toContain('\ncomplete -c hflogin -f\n');
    const other = run('completion', 'tcsh');
    expect(await other.exit).toBe(2);
    expect(other.stderr()).toContain('Use bash, zsh or fish');
  });

  it('lists the profiles for completion (hflogin __complete profiles), sorted, one a line', async () => {
    const host = fakeHost();
    for (const profile of ['work', 'personal'])
      expect(
        await hflogin(host, ['--profile', profile, 'config', 'set', 'endpoint', 'https://a.example.com'])
          .exit,
      ).toBe(0);
    const listed = hflogin(host, ['__complete', 'profiles']);
    expect(await listed.exit).toBe(0);
    expect(listed.stdout()).toBe('personal\nwork\n');
    expect(listed.stderr()).toBe('');
  });

  it('lists nothing, silently and with exit 0, from a config it cannot read or for another kind', async () => {
    const host = fakeHost();
    mkdirSync(host.configDir, { mode: 0o700 });
    writeFileSync(join(host.configDir, 'config.json'), '{ not json', { mode: 0o600 });
    for (const kind of ['profiles', 'shells']) {
      const listed = hflogin(host, ['__complete', kind]);
      expect(await listed.exit).toBe(0);
      expect(listed.stdout()).toBe('');
      expect(listed.stderr()).toBe('');
    }
  });

  it('suggests the nearest command, and says where to look next', async () => {
    const typo = run('logni');
    expect(await typo.exit).toBe(2);
    expect(typo.stderr()).toContain('(Did you mean login?)');
    expect(typo.stderr()).toContain('hflogin --help');
    const help = run('help', 'login');
    expect(await help.exit).toBe(0);
    expect(help.stdout()).toContain('Examples:');
  });

  it('help for a command that does not exist says so, with the nearest names (exit 2)', async () => {
    const typo = hflogin(fakeHost(), ['help', 'logn']);
    expect(await typo.exit).toBe(2);
    expect(typo.stderr()).toContain('Error: No help for "logn": there is no such command.');
    expect(typo.stderr()).toContain('Hint: Did you mean hflogin help login or hflogin help logout?');
    expect(typo.stdout()).toBe('');
    const nothing = hflogin(fakeHost(), ['help', 'nope']);
    expect(await nothing.exit).toBe(2);
    expect(nothing.stderr()).toContain('Hint: Run hflogin --help to see every command.');
  });

  it("each command's help lists the global options too", async () => {
    for (const command of ['login', 'whoami', 'token', 'logout', 'doctor']) {
      const help = hflogin(fakeHost(), [command, '--help']);
      expect(await help.exit).toBe(0);
      const globals = help.stdout().split('Global Options:')[1] ?? '';
      for (const flag of ['--profile <name>', '--json', '--debug', '--no-color'])
        expect(globals).toContain(flag);
    }
  });
});

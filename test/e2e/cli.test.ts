import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { commands as registry } from '../../src/commands/registry.js';
import { serializeSession } from '../../src/session/session.js';
import { FileStore } from '../../src/storage/fileStore.js';
import { isolatedProfile } from '../helpers/hfloginProcess.js';
import { seedSignedInSession } from '../helpers/seedSession.js';
import { useEmulator } from '../helpers/useEmulator.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/hflogin.cjs', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function hflogin(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

/** The built binary (npm test builds dist/ first), run as a user would. */
describe('hflogin binary', () => {
  it('--version prints the package version on stdout', () => {
    for (const flag of ['--version', '-V']) {
      const result = hflogin(flag);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`${pkg.version}\n`);
      expect(result.stderr).toBe('');
    }
  });

  it('--help describes the tool and its global options', () => {
    const result = hflogin('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: hflogin');
    for (const option of ['--profile', '--json', '--debug', '--no-color', '--version', '--help']) {
      expect(result.stdout).toContain(option);
    }
  });

  it('exits 2 with a message on an unknown option', () => {
    const result = hflogin('--bogus');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--bogus'/);
    expect(result.stdout).toBe('');
  });
});

/**
 * bin/hflogin.cjs answers `token` and `status` from dist/hot.cjs when the files on this machine
 * are enough, without loading the full program: proven with a copy of the package that has no
 * dist/cli.js at all. A refresh due needs the full program, which that copy then lacks.
 */
describe('the hot path, as a process', () => {
  const emulator = useEmulator();

  function packageWithoutFullProgram(): string {
    const dir = mkdtempSync(join(tmpdir(), 'hflogin-hot-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist'));
    copyFileSync(bin, join(dir, 'bin', 'hflogin.cjs'));
    copyFileSync(join(root, 'dist', 'hot.cjs'), join(dir, 'dist', 'hot.cjs'));
    return join(dir, 'bin', 'hflogin.cjs');
  }

  it('token and status answer without dist/cli.js; a token due for a refresh goes to it', async () => {
    const hotOnly = packageWithoutFullProgram();
    const isolated = isolatedProfile();
    const target = { configDir: isolated.configDir, profile: isolated.profile, storage: 'file' as const };
    const session = await seedSignedInSession(emulator, target);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [hotOnly, ...args], {
        encoding: 'utf8',
        env: { ...process.env, ...isolated.env, NO_COLOR: '1', HFLOGIN_DEBUG: '' },
      });

    const token = run('token');
    expect(token.stderr).toBe('');
    expect(token.status).toBe(0);
    expect(token.stdout).toBe(`${session.accessToken}\n`);
    const status = run('status', '--json');
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      activeProfile: isolated.profile,
      profiles: [{ name: isolated.profile, state: 'valid', storage: 'file' }],
    });

    // Expired: the hot path hands over, and this copy has nothing to hand over to.
    const expired = { ...session, accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() };
    await new FileStore(isolated.configDir).save(isolated.profile, serializeSession(expired));
    const refresh = run('token');
    expect(refresh.status).not.toBe(0);
    expect(refresh.stdout).toBe('');
    expect(refresh.stderr).toContain('dist/cli.js');
  });
});

/**
 * Help, as scripts see it (stdout a pipe), comes pre-rendered from dist/hot.cjs without loading
 * the parser: every form of every command's help must print exactly what the program prints.
 */
describe('pre-rendered help', () => {
  /** The full program (dist/cli.js), bypassing the hot path. */
  function program(argv: string[]) {
    return spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const { main } = await import('./dist/cli.js'); process.exitCode = await main(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr, env: process.env });",
        '--',
        ...argv,
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
  }
  // Every command of the registry and its subcommands, as help names them (the hidden __complete aside).
  const commands = [
    '',
    ...registry
      .filter((command) => !command.name.startsWith('__'))
      .flatMap((command) => {
        const name = command.name.split(' ')[0]!;
        return [name, ...(command.subcommands ?? []).map((sub) => `${name} ${sub.name.split(' ')[0]!}`)];
      }),
  ];

  it.each(commands)(
    'help of "%s": --help, -h and help <command> print the program’s text, exit 0',
    (command) => {
      const path = command ? command.split(' ') : [];
      const expected = program([...path, '--help']);
      expect(expected.status).toBe(0);
      expect(expected.stdout).toMatch(/^Usage: hflogin/);
      for (const form of [
        [...path, '--help'],
        [...path, '-h'],
        ['help', ...path],
      ]) {
        const hot = hflogin(...form);
        expect({ form, status: hot.status, stdout: hot.stdout, stderr: hot.stderr }).toEqual({
          form,
          status: 0,
          stdout: expected.stdout,
          stderr: '',
        });
      }
    },
  );
});

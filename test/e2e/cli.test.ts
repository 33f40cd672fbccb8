import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/hflogin.js', import.meta.url));
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

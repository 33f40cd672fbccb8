import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { hfloginBin } from '../helpers/hfloginProcess.js';

/** What bash completes for the words typed so far, with the script `hflogin completion bash` prints. */
function complete(...typed: string[]): string[] {
  const words = ['hflogin', ...typed].map((word) => `'${word}'`).join(' ');
  const script = `source <("${process.execPath}" "${hfloginBin}" completion bash)
COMP_WORDS=(${words}); COMP_CWORD=${typed.length}; _hflogin; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout.trim().split('\n').filter(Boolean);
}

describe('shell completion', () => {
  it('bash: loads, and completes commands, subcommands and options', () => {
    expect(complete('lo')).toEqual(['login', 'logout']);
    expect(complete('')).toEqual(
      expect.arrayContaining(['login', 'whoami', 'token', 'status', 'config', 'completion']),
    );
    expect(complete('login', '--de')).toEqual(['--device', '--device-app-id', '--debug']);
    expect(complete('config', 'u')).toEqual(['unset']);
    expect(complete('--profile', 'work', 'tok')).toEqual(['token']);
  });

  it('prints zsh and fish scripts, and refuses other shells with exit 2', () => {
    const zsh = spawnSync(process.execPath, [hfloginBin, 'completion', 'zsh'], { encoding: 'utf8' });
    expect(zsh.stdout).toContain('compdef _hflogin hflogin');
    const fish = spawnSync(process.execPath, [hfloginBin, 'completion', 'fish'], { encoding: 'utf8' });
    expect(fish.stdout).toContain("complete -c hflogin -f -n '__fish_use_subcommand'");
    const other = spawnSync(process.execPath, [hfloginBin, 'completion', 'tcsh'], { encoding: 'utf8' });
    expect(other.status).toBe(2);
    expect(other.stderr).toContain('Use bash, zsh or fish');
  });

  it('suggests the nearest command, and says where to look next', () => {
    const typo = spawnSync(process.execPath, [hfloginBin, 'logni'], { encoding: 'utf8' });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('(Did you mean login?)');
    expect(typo.stderr).toContain('hflogin --help');
    const help = spawnSync(process.execPath, [hfloginBin, 'help', 'login'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Examples:');
  });
});

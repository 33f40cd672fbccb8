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

/** The other shells, and help around completion, run in-process: test/inprocess/completion.test.ts. */
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
});

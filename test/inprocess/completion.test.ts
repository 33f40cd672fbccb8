import { describe, expect, it } from 'vitest';

import { fakeHost, hflogin } from '../helpers/inProcess.js';

/** `hflogin completion` and the help around it (bash itself loading the script: test/e2e/completion.test.ts). */
describe('shell completion', () => {
  const run = (...args: string[]) => hflogin(fakeHost(), args);

  it('prints zsh and fish scripts, and refuses other shells with exit 2', async () => {
    const zsh = run('completion', 'zsh');
    expect(await zsh.exit).toBe(0);
    expect(zsh.stdout()).toContain('compdef _hflogin hflogin');
    const fish = run('completion', 'fish');
    expect(await fish.exit).toBe(0);
    expect(fish.stdout()).toContain("complete -c hflogin -f -n '__fish_use_subcommand'");
    const other = run('completion', 'tcsh');
    expect(await other.exit).toBe(2);
    expect(other.stderr()).toContain('Use bash, zsh or fish');
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
});

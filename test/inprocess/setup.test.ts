import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { fakeHost, hflogin } from '../helpers/inProcess.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

/** config init and login without a terminal (on one, in tmux: test/e2e/setup.test.ts). */
describe('config init and progress, without a terminal', () => {
  const emulator = useEmulator();

  it('without a terminal, config init never prompts: exit 2 naming the flags and variables', async () => {
    const host = fakeHost();
    const run = hflogin(host, ['config', 'init']);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('needs a terminal');
    expect(run.stderr()).toContain('HFLOGIN_ENDPOINT');
    expect(existsSync(join(host.configDir, 'config.json'))).toBe(false);
  });

  it('shows no spinner without a terminal', async () => {
    const run = hflogin(fakeHost(), loginArgs(emulator, '--storage', 'file'), { browser: 'stay' });
    await run.signInUrl;
    await expect.poll(() => run.stderr()).toContain('Waiting for the sign-in to finish');
    run.interrupt();
    expect(await run.exit).toBe(130);
    expect(run.stderr()).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(run.stderr()).not.toContain('\u001b[');
  });
});

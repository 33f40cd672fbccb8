import { describe, expect, it } from 'vitest';

import { main } from '../../src/cli.js';
import { ExitCode, HfloginError } from '../../src/io/errors.js';
import { fakeDeps } from '../helpers/fakeDeps.js';

describe('cli main()', () => {
  it('returns 0 for --help and writes help to stdout', async () => {
    const io = fakeDeps();
    expect(await main(['--help'], io.deps)).toBe(ExitCode.ok);
    expect(io.output().out).toContain('Usage: hflogin');
  });

  it('shows help on stderr and exits 2 when no command is given', async () => {
    const io = fakeDeps();
    expect(await main([], io.deps)).toBe(ExitCode.usage);
    expect(io.output().err).toContain('Usage: hflogin');
    expect(io.output().out).toBe('');
  });

  it('maps usage errors to exit 2', async () => {
    const io = fakeDeps();
    expect(await main(['--nope'], io.deps)).toBe(ExitCode.usage);
    expect(io.output().err).toContain("unknown option '--nope'");
  });

  it('HfloginError carries a stable code, an exit code and a hint', () => {
    const error = new HfloginError('The keychain is locked.', {
      code: 'keychain_unavailable',
      exitCode: ExitCode.storage,
      hint: 'Unlock it, or use --storage file.',
    });
    expect(error).toMatchObject({
      code: 'keychain_unavailable',
      exitCode: 6,
      hint: 'Unlock it, or use --storage file.',
    });
  });
});

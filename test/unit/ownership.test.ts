import { chmodSync, lchownSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { checkPrivateDir, ensurePrivateDir } from '../../src/config/ownership.js';
import { readConfig } from '../../src/config/profiles.js';
import { withSessionLock } from '../../src/session/sessionLock.js';
import { expectRefused } from '../helpers/hostile.js';
import { realMachine } from '../helpers/realMachine.js';
import { requireSystemPiece } from '../helpers/systemPieces.js';

const me = process.getuid?.();
const asRoot = requireSystemPiece(
  'root (to chown a directory to another uid)',
  me === 0 ? undefined : 'the tests run as a non-root user',
);

function refusal(work: () => unknown): { code?: string; exitCode?: number; message: string; hint?: string } {
  try {
    work();
  } catch (error) {
    return error as { code?: string; exitCode?: number; message: string; hint?: string };
  }
  throw new Error('not refused');
}

const scratch = () => mkdtempSync(join(tmpdir(), 'hflogin-owner-'));

describe.skipIf(me === undefined)('ownership checks (ssh StrictModes for hflogin’s directories)', () => {
  it('creates missing directories 0700 and accepts them; says false for one that does not exist', () => {
    const root = scratch();
    const dir = join(root, 'a', 'b', 'hflogin');
    expect(checkPrivateDir(dir, 'config directory')).toBe(false);
    ensurePrivateDir(dir, 'config directory');
    expect(checkPrivateDir(dir, 'config directory')).toBe(true);
  });

  it('accepts a sticky parent writable by all (like /tmp), refuses one without the sticky bit', () => {
    const root = scratch();
    const shared = join(root, 'shared');
    mkdirSync(join(shared, 'hflogin'), { recursive: true, mode: 0o700 });
    chmodSync(shared, 0o1777);
    expect(checkPrivateDir(join(shared, 'hflogin'), 'config directory')).toBe(true);
    chmodSync(shared, 0o777);
    const error = refusal(() => checkPrivateDir(join(shared, 'hflogin'), 'config directory'));
    expectRefused('parent writable by everyone without sticky bit (unit)', error.exitCode === 2);
    expect(error).toMatchObject({ code: 'unsafe_permissions' });
  });

  it('follows links by hand and checks where they lead: a link to a group-writable directory is refused', () => {
    const root = scratch();
    const real = join(root, 'real');
    mkdirSync(real, { mode: 0o700 });
    chmodSync(real, 0o770);
    symlinkSync(`../${basename(root)}/./real`, join(root, 'link'));
    const error = refusal(() => checkPrivateDir(join(root, 'link'), 'config directory'));
    expectRefused('link to a group-writable config directory', error.exitCode === 2);
    expect(error.message).toContain(`The config directory ${real} is writable by its group`);
  });

  it('says why a root-owned directory will not do for someone else, sensibly', () => {
    const root = scratch();
    // As uid 4242, a directory of root's is not theirs; its root-owned parents are fine.
    const error = refusal(() => checkPrivateDir(root, 'config directory', 4242));
    expect(error.message).toBe(
      `The config directory ${root} belongs to ${me === 0 ? 'root' : `uid ${me}`}, not to you (uid 4242): hflogin keeps nothing in a directory another user controls.`,
    );
    expect(error.hint).toContain(`sudo chown 4242 ${root}`);
  });

  it('a file where a directory belongs is ENOTDIR, as before (the callers make it a usage error)', async () => {
    const root = scratch();
    writeFileSync(join(root, 'file'), '');
    expect(() => checkPrivateDir(join(root, 'file', 'hflogin'), 'config directory')).toThrow(/ENOTDIR/);
    await expect(readConfig(join(root, 'file', 'hflogin'))).rejects.toMatchObject({ code: 'config_invalid' });
  });

  it('refuses a group-writable lock directory before taking a lock in it', async () => {
    const root = scratch();
    mkdirSync(join(root, 'locks'), { mode: 0o700 });
    chmodSync(join(root, 'locks'), 0o775);
    const ran: string[] = [];
    const error = await withSessionLock(root, 'default', async () => ran.push('ran'), {
      waitMs: 1_000,
      ...realMachine,
    }).catch((caught: unknown) => caught as { exitCode?: number });
    expectRefused(
      'group-writable lock directory',
      (error as { exitCode?: number }).exitCode === 2 && ran.length === 0,
    );
  });

  describe.skipIf(asRoot.skip)('another user (uid 65534, by lchown)', () => {
    it('refuses a link on the way that belongs to another user (she could point it elsewhere)', () => {
      const root = scratch();
      mkdirSync(join(root, 'mine', 'hflogin'), { recursive: true, mode: 0o700 });
      symlinkSync(join(root, 'mine'), join(root, 'hers'));
      lchownSync(join(root, 'hers'), 65534, 65534);
      const error = refusal(() => checkPrivateDir(join(root, 'hers', 'hflogin'), 'config directory'));
      expectRefused('link owned by another user on the way to the config directory', error.exitCode === 2);
      expect(error.message).toContain(`The link ${join(root, 'hers')}`);
    });
  });
});

import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadAddon, type AddonPlace } from '../../src/storage/keyringModule.js';
import { expectRefused } from '../helpers/hostile.js';
import { requireSystemPiece } from '../helpers/systemPieces.js';

const asRoot = requireSystemPiece(
  'root (to chown a directory to another uid)',
  process.getuid?.() === 0 ? undefined : 'the tests run as a non-root user',
);

/** The addon the binary carries (any bytes will do: the loader here is a test's). */
const addon = Buffer.from('the real keychain addon \x7fELF…');
const addonName = `keyring-${createHash('sha256').update(addon).digest('hex').slice(0, 32)}.node`;

/** Fixed "random" bytes: the temporary name is then known in advance, as an attacker would wish. */
const fixedRandom = (count: number) => new Uint8Array(count).fill(7);
const fixedTemporary = `.keyring-${'07'.repeat(16)}.tmp`;

interface Loaded {
  path: string;
  bytes: Buffer;
}

/** A place in a fresh private directory, with a loader that records what it would have loaded. */
function place(overrides: Partial<AddonPlace> & { beforeLoad?: (path: string) => void } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'hflogin-addon-'));
  const loaded: Loaded[] = [];
  const { beforeLoad, ...rest } = overrides;
  const at: AddonPlace = {
    dir: join(root, 'cache', 'hflogin'),
    uid: process.getuid?.(),
    random: (count) => globalThis.crypto.getRandomValues(new Uint8Array(count)),
    platform: process.platform,
    dlopen: (module, path) => {
      beforeLoad?.(path);
      loaded.push({ path, bytes: readFileSync(path) });
      module.exports = { loaded: true };
    },
    ...rest,
  };
  return { root, at, loaded, bashrc: join(root, '.bashrc') };
}

describe.skipIf(process.platform === 'win32')("the single binary's keychain addon", () => {
  it('is extracted once to a 0700 directory under its checksum and loaded from the verified file', () => {
    const { at, loaded } = place();
    expect(loadAddon(addon, at)).toEqual({ loaded: true });
    expect(readdirSync(at.dir)).toEqual([addonName]);
    expect(lstatSync(at.dir).mode & 0o777).toBe(0o700);
    expect(loaded[0]!.bytes.equals(addon)).toBe(true);
    if (process.platform === 'linux') expect(loaded[0]!.path).toMatch(/^\/proc\/self\/fd\/\d+$/);
    // Again: the cached file is used as it is.
    const before = lstatSync(join(at.dir, addonName)).ino;
    loadAddon(addon, at);
    expect(lstatSync(join(at.dir, addonName)).ino).toBe(before);
  });

  it('loads the bytes it hashed even when the file is swapped between the check and the load', () => {
    const evil = Buffer.from('her code');
    const { at, loaded } = place({
      beforeLoad: () => {
        // The race: the directory entry is replaced after the hash check, before dlopen.
        const swap = join(at.dir, 'swap');
        writeFileSync(swap, evil, { mode: 0o700 });
        renameSync(swap, join(at.dir, addonName));
      },
    });
    loadAddon(addon, at);
    expectRefused('addon swapped between hash check and dlopen', loaded[0]!.bytes.equals(addon));
    expect(readFileSync(join(at.dir, addonName)).equals(evil)).toBe(true);
  });

  it('elsewhere than Linux (no /proc), loads the path, in its private directory, naming the file it hashed', () => {
    const { at, loaded } = place({ platform: 'darwin' });
    loadAddon(addon, at);
    expect(loaded[0]!.path).toBe(join(at.dir, addonName));
  });

  it('never writes through a link planted at the temporary name, and loads nothing', () => {
    const { at, loaded, bashrc } = place({ random: fixedRandom });
    mkdirSync(at.dir, { recursive: true, mode: 0o700 });
    writeFileSync(bashrc, 'export PS1="$ "\n');
    symlinkSync(bashrc, join(at.dir, fixedTemporary));
    const error = (() => {
      try {
        loadAddon(addon, at);
        return undefined;
      } catch (caught) {
        return caught as Error;
      }
    })();
    expectRefused(
      'symbolic link planted at the addon temporary name',
      error !== undefined && readFileSync(bashrc, 'utf8') === 'export PS1="$ "\n' && loaded.length === 0,
    );
    expect(error!.message).toContain('each temporary name tried was taken');
  });

  it('replaces a link planted at the addon name instead of loading or writing through it', () => {
    const { at, loaded, bashrc } = place();
    mkdirSync(at.dir, { recursive: true, mode: 0o700 });
    writeFileSync(bashrc, 'export PS1="$ "\n');
    symlinkSync(bashrc, join(at.dir, addonName));
    loadAddon(addon, at);
    expectRefused(
      'symbolic link planted at the addon name',
      readFileSync(bashrc, 'utf8') === 'export PS1="$ "\n' &&
        !lstatSync(join(at.dir, addonName)).isSymbolicLink() &&
        loaded[0]!.bytes.equals(addon),
    );
  });

  it('replaces a cached file with other bytes instead of loading it', () => {
    const { at, loaded } = place();
    mkdirSync(at.dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(at.dir, addonName), 'not a shared object', { mode: 0o700 });
    loadAddon(addon, at);
    expectRefused('cached addon with other bytes', loaded[0]!.bytes.equals(addon));
  });

  it('refuses a group-writable cache directory: exit 2, nothing written, nothing loaded', () => {
    const { at, loaded } = place();
    mkdirSync(at.dir, { recursive: true });
    chmodSync(at.dir, 0o770);
    let error: unknown;
    try {
      loadAddon(addon, at);
    } catch (caught) {
      error = caught;
    }
    expectRefused(
      'group-writable addon cache directory',
      (error as { exitCode?: number }).exitCode === 2 &&
        readdirSync(at.dir).length === 0 &&
        loaded.length === 0,
    );
    expect((error as Error).message).toBe(
      `The addon cache directory ${at.dir} is writable by its group (mode 0770): another user could replace what hflogin keeps there.`,
    );
    expect(error).toMatchObject({
      code: 'unsafe_permissions',
      hint: `Make it yours alone: chmod go-w ${at.dir}`,
    });
  });

  it('tightens a cache directory of its own that others may only read to 0700', () => {
    const { at } = place();
    mkdirSync(at.dir, { recursive: true });
    chmodSync(at.dir, 0o755);
    loadAddon(addon, at);
    expect(lstatSync(at.dir).mode & 0o777).toBe(0o700);
  });

  describe.skipIf(asRoot.skip)('another user (uid 65534, by chown)', () => {
    it('refuses a cache directory that belongs to another user', () => {
      const { at, loaded } = place();
      mkdirSync(at.dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(at.dir, addonName), addon, { mode: 0o700 });
      chownSync(at.dir, 65534, 65534);
      expect(() => loadAddon(addon, at)).toThrow(/addon cache directory .* belongs to uid 65534/);
      expectRefused('addon cache directory owned by another user', loaded.length === 0);
    });

    it('does not load an addon file that belongs to another user, even with the right bytes', () => {
      const { at, loaded } = place();
      mkdirSync(at.dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(at.dir, addonName), addon, { mode: 0o700 });
      chownSync(join(at.dir, addonName), 65534, 65534);
      loadAddon(addon, at);
      expectRefused(
        'addon file owned by another user',
        lstatSync(join(at.dir, addonName)).uid === process.getuid?.() && loaded[0]!.bytes.equals(addon),
      );
    });
  });
});

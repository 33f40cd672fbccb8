import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { configDirScope } from '../../src/config/paths.js';
import { ExitCode, HfloginError } from '../../src/io/errors.js';
import { chunkSize, KeychainStore } from '../../src/storage/keychainStore.js';
import { MemoryKeyring } from '../helpers/fakeDeps.js';

/** A session about as large as a real one with three JWTs, plus non-ASCII names. */
const bigSecret = JSON.stringify({ idToken: 'x'.repeat(9_000), name: 'สมชาย ใจดี', more: 'é'.repeat(500) });

describe('keychain store', () => {
  it('splits large sessions so every credential fits Windows Credential Manager (2,560 bytes)', async () => {
    const keyring = new MemoryKeyring();
    const store = new KeychainStore(keyring);
    await store.save('default', bigSecret);
    expect(keyring.entries.size).toBeGreaterThan(5);
    for (const value of keyring.entries.values()) {
      expect(Buffer.byteLength(value, 'utf16le')).toBeLessThanOrEqual(MemoryKeyring.maxBlobBytes);
      expect(value.length).toBeLessThanOrEqual(chunkSize);
    }
    expect(await store.load('default')).toBe(bigSecret);
  });

  it('reads a session in one call where the keychain can (one D-Bus round trip, not one per chunk)', async () => {
    const keyring = new MemoryKeyring();
    const store = new KeychainStore(keyring);
    await store.save('default', bigSecret);
    const gets: string[] = [];
    const get = keyring.get.bind(keyring);
    keyring.get = async (account) => (gets.push(account), get(account));
    expect(await store.load('default')).toBe(bigSecret);
    expect({ getAll: keyring.getAllCalls, gets }).toEqual({ getAll: 1, gets: [] });
  });

  it.each<[string, (keyring: MemoryKeyring) => void]>([
    ['the one call fails', (keyring) => (keyring.getAll = () => Promise.reject(new Error('no such method')))],
    [
      'a chunk is missing from what it read (a save in between)',
      (keyring) => {
        const getAll = keyring.getAll.bind(keyring);
        keyring.getAll = async () => {
          const items = await getAll();
          items.delete([...items.keys()].find((account) => account.endsWith(':0'))!);
          return items;
        };
      },
    ],
    ['the keychain has no such call', (keyring) => (keyring.getAll = undefined as never)],
  ])('when %s, it reads item by item as before', async (_what, change) => {
    const keyring = new MemoryKeyring();
    const store = new KeychainStore(keyring);
    await store.save('default', bigSecret);
    change(keyring);
    expect(await store.load('default')).toBe(bigSecret);
  });

  it('replaces a session without leaving the previous chunks behind', async () => {
    const keyring = new MemoryKeyring();
    const store = new KeychainStore(keyring);
    await store.save('default', bigSecret);
    await store.save('default', 'small');
    expect(await store.load('default')).toBe('small');
    expect(
      [...keyring.entries.keys()].filter((account) => account.startsWith('session:default')),
    ).toHaveLength(2);
  });

  it('keeps profiles apart and clears only the one asked', async () => {
    const keyring = new MemoryKeyring();
    const store = new KeychainStore(keyring);
    await store.save('work', bigSecret);
    await store.save('home', 'home-secret');
    expect(await store.clear('work')).toBe(true);
    expect(await store.load('work')).toBeNull();
    expect(await store.load('home')).toBe('home-secret');
    expect([...keyring.entries.keys()].every((account) => account.startsWith('session:home'))).toBe(true);
    expect(await store.clear('work')).toBe(false);
  });

  it('reports a damaged entry as exit 4, never as a crash or a half session', async () => {
    const keyring = new MemoryKeyring();
    const store = new KeychainStore(keyring);
    await store.save('default', bigSecret);
    const chunk = [...keyring.entries.keys()].find((account) => account.endsWith(':1'))!;
    keyring.entries.set(chunk, 'tampered');
    await expect(store.load('default')).rejects.toMatchObject({
      exitCode: ExitCode.notSignedIn,
      code: 'session_corrupt',
    });
    keyring.entries.delete(chunk);
    await expect(store.load('default')).rejects.toThrow(/missing/);
    keyring.entries.set('session:default', '{not json');
    await expect(store.load('default')).rejects.toMatchObject({ exitCode: ExitCode.notSignedIn });
  });

  it('turns keychain failures into exit 6 with the reason in words and the --storage file hint', async () => {
    const keyring = new MemoryKeyring();
    keyring.failWith = new Error("Couldn't access platform storage: Secret Service: object locked");
    const store = new KeychainStore(keyring);
    const failure = await store.check().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HfloginError);
    expect(failure).toMatchObject({ exitCode: ExitCode.storage });
    expect((failure as HfloginError).message).toBe('The OS keychain cannot be used: the keyring is locked.');
    expect((failure as HfloginError).hint).toContain('--storage file');
  });

  it('keeps config directories apart: items are named session:<profile>@<scope>', async () => {
    const keyring = new MemoryKeyring();
    const a = new KeychainStore(keyring, configDirScope('/home/alice/.config/hflogin'));
    const b = new KeychainStore(keyring, configDirScope('/srv/other-tenant/hflogin'));
    await a.save('default', 'tenant A');
    await b.save('default', bigSecret);
    expect([await a.load('default'), await b.load('default')]).toEqual(['tenant A', bigSecret]);
    expect(await b.clear('default')).toBe(true);
    expect([await a.load('default'), await b.load('default')]).toEqual(['tenant A', null]);
    // What is left is A's manifest and its one chunk.
    const scopeA = configDirScope('/home/alice/.config/hflogin');
    expect([...keyring.entries.keys()].sort()).toEqual([
      `session:default@${scopeA}`,
      expect.stringMatching(new RegExp(`^session:default@${scopeA}:[0-9a-f]+:0$`)),
    ]);
    // The unscoped item of earlier builds is another name; only a migration reads it.
    expect(await a.legacy()!.load('default')).toBeNull();
    expect(a.legacy()!.legacy?.()).toBeUndefined();
  });

  it('names a config directory by its real path, existing or not yet', () => {
    const root = mkdtempSync(join(tmpdir(), 'hflogin-scope-'));
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'link'));
    expect(configDirScope(join(root, 'link', 'hflogin'))).toBe(configDirScope(join(root, 'real', 'hflogin')));
    expect(configDirScope(join(root, 'real', '.', 'hflogin'))).toBe(
      configDirScope(join(root, 'real', 'hflogin')),
    );
    expect(configDirScope(join(root, 'real', 'a'))).not.toBe(configDirScope(join(root, 'real', 'b')));
    expect(configDirScope(root)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('asks once more when the Secret Service daemon went away mid-call; any other failure is exit 6 at once', async () => {
    const keyring = new MemoryKeyring();
    const store = new KeychainStore(keyring, 'scope');
    const flaky = (message: string, times: number) => {
      let left = times;
      const set = keyring.set.bind(keyring);
      keyring.set = async (account, value) => {
        if (left-- > 0) throw new Error(`Platform failure: DBus error: ${message}`);
        return set(account, value);
      };
    };
    flaky('Message recipient disconnected from message bus without replying', 1);
    await store.save('default', 'saved through a daemon restart');
    expect(await store.load('default')).toBe('saved through a daemon restart');
    flaky('Message recipient disconnected from message bus without replying', 2);
    await expect(store.save('default', 'x')).rejects.toMatchObject({ exitCode: ExitCode.storage });
    flaky('Secret Service: unlock prompt was dismissed', 1);
    await expect(store.save('default', 'y')).rejects.toMatchObject({ exitCode: ExitCode.storage });
    expect(await store.load('default')).toBe('saved through a daemon restart');
  });
});

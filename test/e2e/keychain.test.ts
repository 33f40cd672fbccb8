import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { Entry } from '@napi-rs/keyring';
import { describe, expect, it } from 'vitest';

import { KeychainStore } from '../../src/storage/keychainStore.js';
import { napiKeyringBackend } from '../../src/storage/napiKeyring.js';
import { requireSystemPiece, secretServiceMissing } from '../helpers/systemPieces.js';

const { skip } = requireSystemPiece('Secret Service (gnome-keyring)', secretServiceMissing());

/**
 * The ground the keychain storage stands on: @napi-rs/keyring pinned to the Secret Service talks to
 * a real gnome-keyring, and what it writes is what libsecret's own tool reads.
 */
describe.skipIf(skip)('Secret Service through @napi-rs/keyring', () => {
  const service = `hflogin-test-${randomBytes(4).toString('hex')}`;
  const account = 'keychain-probe';
  const entry = () => new Entry(service, account, { linux: { store: 'secret-service' } });

  it('round-trips a secret that secret-tool sees, and deletes it', () => {
    const secret = `s3cret-${randomBytes(8).toString('hex')}`;
    entry().setPassword(secret);
    expect(entry().getPassword()).toBe(secret);

    const lookup = spawnSync('secret-tool', ['lookup', 'service', service, 'username', account], {
      encoding: 'utf8',
    });
    expect(lookup.status).toBe(0);
    expect(lookup.stdout).toBe(secret);

    expect(entry().deleteCredential()).toBe(true);
    expect(entry().getPassword()).toBeNull();
    expect(entry().deleteCredential()).toBe(false);
  });

  it('reports an error instead of silently falling back when the Secret Service is unreachable', () => {
    const probe = spawnSync(
      process.execPath,
      [
        '-e',
        `const { Entry } = require('@napi-rs/keyring');
         new Entry('${service}', 'x', { linux: { store: 'secret-service' } }).setPassword('x');`,
      ],
      { encoding: 'utf8', env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' } },
    );
    expect(probe.status).not.toBe(0);
    expect(probe.stderr).toMatch(/Platform failure|DBus|dbus/i);
  });

  it('stores a large session in chunks in the real keyring and reads it back whole', async () => {
    const store = new KeychainStore(await napiKeyringBackend(service));
    const secret = JSON.stringify({ idToken: 'y'.repeat(12_000), name: 'สมชาย ใจดี' });
    await store.check();
    await store.save('big', secret);
    // secret-tool prints the attributes on stderr.
    const search = () => {
      const result = spawnSync('secret-tool', ['search', '--all', 'service', service], { encoding: 'utf8' });
      return result.stdout + result.stderr;
    };
    expect(search().match(/attribute\.username = session:big:[0-9a-f]+:\d+/g)?.length).toBeGreaterThan(8);
    expect(await store.load('big')).toBe(secret);
    expect(await store.clear('big')).toBe(true);
    expect(await store.load('big')).toBeNull();
    expect(search()).not.toContain('session:big');
  });
});

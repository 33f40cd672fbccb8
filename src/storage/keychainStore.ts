import { createHash, randomBytes } from 'node:crypto';

import type { SecretStore } from './secretStore.js';
import { storageUnavailable, storedSessionUnreadable } from './errors.js';

/** One credential slot in the OS keychain, under the service "hflogin". */
export interface KeyringBackend {
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /** Accounts this service holds. */
  list(): Promise<string[]>;
}

/**
 * Windows Credential Manager holds at most 2,560 bytes per credential, and may store the text as
 * UTF-16; sessions with a JWT or two are larger. So a session is base64url-encoded (ASCII) and split
 * into chunks of 1,200 characters (2,400 bytes even as UTF-16), written under a fresh generation
 * before a small manifest points at them. A reader sees the old session or the new, never a mix.
 */
export const chunkSize = 1_200;

interface Manifest {
  v: 1;
  gen: string;
  chunks: number;
  sha256: string;
}

const manifestAccount = (profile: string) => `session:${profile}`;
const chunkAccount = (profile: string, gen: string, index: number) => `session:${profile}:${gen}:${index}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export class KeychainStore implements SecretStore {
  readonly kind = 'keychain' as const;

  constructor(private readonly backend: KeyringBackend) {}

  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw storageUnavailable('OS keychain', error);
    }
  }

  async check(): Promise<void> {
    const account = `probe:${randomBytes(6).toString('hex')}`;
    await this.guard(async () => {
      await this.backend.set(account, 'hflogin keychain check');
      const read = await this.backend.get(account);
      await this.backend.delete(account);
      if (read !== 'hflogin keychain check') throw new Error('a test entry did not read back');
    });
  }

  async load(profile: string): Promise<string | null> {
    const manifestText = await this.guard(() => this.backend.get(manifestAccount(profile)));
    if (manifestText === null) return null;
    let manifest: Manifest;
    try {
      manifest = JSON.parse(manifestText) as Manifest;
      if (manifest.v !== 1 || !/^[0-9a-f]+$/.test(manifest.gen) || !(manifest.chunks > 0))
        throw new Error('bad manifest');
    } catch (error) {
      throw storedSessionUnreadable('OS keychain', error);
    }
    const parts: string[] = [];
    for (let index = 0; index < manifest.chunks; index += 1) {
      const part = await this.guard(() => this.backend.get(chunkAccount(profile, manifest.gen, index)));
      if (part === null)
        throw storedSessionUnreadable(
          'OS keychain',
          new Error(`chunk ${index + 1} of ${manifest.chunks} is missing`),
        );
      parts.push(part);
    }
    const encoded = parts.join('');
    if (sha256(encoded) !== manifest.sha256) {
      throw storedSessionUnreadable('OS keychain', new Error('checksum mismatch'));
    }
    return Buffer.from(encoded, 'base64url').toString('utf8');
  }

  async save(profile: string, secret: string): Promise<void> {
    const encoded = Buffer.from(secret, 'utf8').toString('base64url');
    const gen = randomBytes(4).toString('hex');
    const chunks: string[] = [];
    for (let offset = 0; offset < encoded.length; offset += chunkSize)
      chunks.push(encoded.slice(offset, offset + chunkSize));
    await this.guard(async () => {
      for (const [index, chunk] of chunks.entries())
        await this.backend.set(chunkAccount(profile, gen, index), chunk);
      const manifest: Manifest = { v: 1, gen, chunks: chunks.length, sha256: sha256(encoded) };
      await this.backend.set(manifestAccount(profile), JSON.stringify(manifest));
    });
    await this.removeChunks(profile, gen);
  }

  async clear(profile: string): Promise<boolean> {
    const removed = await this.guard(() => this.backend.delete(manifestAccount(profile)));
    const chunks = await this.removeChunks(profile, undefined);
    return removed || chunks > 0;
  }

  /** Deletes this profile's chunks except those of generation `keep` (left over by earlier saves). */
  private async removeChunks(profile: string, keep: string | undefined): Promise<number> {
    const prefix = `session:${profile}:`;
    const accounts = await this.guard(() => this.backend.list());
    let removed = 0;
    for (const account of accounts) {
      if (!account.startsWith(prefix)) continue;
      const gen = account.slice(prefix.length).split(':')[0];
      if (gen === keep) continue;
      if (await this.guard(() => this.backend.delete(account))) removed += 1;
    }
    return removed;
  }
}

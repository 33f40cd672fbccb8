import { setTimeout as sleep } from 'node:timers/promises';

import { HfloginError } from '../io/errors.js';
import type { SecretStore } from './secretStore.js';
import { storageUnavailable, storedSessionUnreadable } from './errors.js';
import { sha256Hex } from '../io/sha256.js';

/** One credential slot in the OS keychain, under the service "hflogin". */
export interface KeyringBackend {
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /** Accounts this service holds. */
  list(): Promise<string[]>;
  /**
   * Every account of this service with its secret, in one call. On the Secret Service each get is
   * a D-Bus connection and a session of its own (~5 ms with gnome-keyring), so a session of a
   * manifest and three chunks read one by one costs four; read together, about one and a half.
   */
  getAll?(): Promise<Map<string, string>>;
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

/** The D-Bus peer (the Secret Service daemon) disconnected or vanished during the call. */
function serviceWentAway(error: unknown): boolean {
  const message =
    error instanceof Error
      ? `${error.message} ${String((error.cause as Error | undefined)?.message ?? '')}`
      : '';
  return /disconnected from message bus|ServiceUnknown|was not provided by any \.service files|NoReply/i.test(
    message,
  );
}

const sha256 = (text: string) => sha256Hex(text);

/**
 * The keychain is one per user, but config directories (and so tenants) can be many: an item named
 * only after the profile was shared by every config directory, so `whoami` in one showed another's
 * user. Items are therefore named `session:<profile>@<scope>`, the scope being a hash of the config
 * directory's real path (config/paths.ts configDirScope). Profile names hold no '@' or ':', so the
 * names of one scope never prefix another's, nor the legacy `session:<profile>` ones.
 */
export class KeychainStore implements SecretStore {
  readonly kind = 'keychain' as const;
  private readonly base: (profile: string) => string;

  /** `scope` undefined: the legacy names of earlier builds (`session:<profile>`), read only to migrate. */
  constructor(
    private readonly backend: KeyringBackend,
    private readonly scope?: string,
  ) {
    this.base =
      scope === undefined ? (profile) => `session:${profile}` : (profile) => `session:${profile}@${scope}`;
  }

  private manifestAccount(profile: string): string {
    return this.base(profile);
  }

  private chunkAccount(profile: string, gen: string, index: number): string {
    return `${this.base(profile)}:${gen}:${index}`;
  }

  /** The same keychain under the unscoped names of earlier builds, to migrate a session from. */
  legacy(): SecretStore | undefined {
    return this.scope === undefined ? undefined : new KeychainStore(this.backend);
  }

  /**
   * Runs a keychain call; its failure is exit 6 with the keychain's reason. A call whose Secret
   * Service daemon went away in the middle of it is made once more: D-Bus starts the daemon again
   * on the next call (gnome-keyring-daemon was seen dying when a client was killed mid-call), and
   * during a refresh this call may be the save of the only copy of a rotated refresh token. Every
   * call guarded here is idempotent (get, set, delete, list).
   */
  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (!serviceWentAway(error)) throw storageUnavailable('OS keychain', error);
    }
    await sleep(200);
    try {
      return await operation();
    } catch (error) {
      throw storageUnavailable('OS keychain', error);
    }
  }

  async check(): Promise<void> {
    // Unique, not secret: two processes checking at once must not read each other's probe.
    const account = `probe:${Math.random().toString(36).slice(2, 12)}`;
    await this.guard(async () => {
      await this.backend.set(account, 'hflogin keychain check');
      const read = await this.backend.get(account);
      await this.backend.delete(account);
      if (read !== 'hflogin keychain check') throw new Error('a test entry did not read back');
    });
  }

  async load(profile: string): Promise<string | null> {
    const together = await this.loadTogether(profile);
    if (together !== undefined) return together;
    // A save by another process may replace the chunks between our reading the manifest and the
    // chunks; then the manifest has changed, and reading again gives the new session whole.
    for (let attempt = 1; ; attempt += 1) {
      const manifestText = await this.guard(() => this.backend.get(this.manifestAccount(profile)));
      if (manifestText === null) return null;
      try {
        return await this.readChunks(profile, manifestText);
      } catch (error) {
        if (error instanceof HfloginError) throw error; // the keychain itself failed: exit 6
        const now = await this.guard(() => this.backend.get(this.manifestAccount(profile)));
        if (attempt >= 3 || now === manifestText) throw storedSessionUnreadable('OS keychain', error);
      }
    }
  }

  /**
   * The session read in one call (KeyringBackend.getAll), when it is there whole; otherwise
   * undefined, and `load` reads it item by item as before — which also says why when something is
   * wrong (a keychain that cannot be used, a damaged entry, a save in between), so a failure here
   * changes nothing but the time.
   */
  private async loadTogether(profile: string): Promise<string | undefined> {
    if (!this.backend.getAll) return undefined;
    try {
      const items = await this.backend.getAll();
      const manifestText = items.get(this.manifestAccount(profile));
      if (manifestText === undefined) return undefined;
      return await this.readChunks(profile, manifestText, async (account) => items.get(account) ?? null);
    } catch {
      return undefined;
    }
  }

  private async readChunks(
    profile: string,
    manifestText: string,
    read: (account: string) => Promise<string | null> = (account) =>
      this.guard(() => this.backend.get(account)),
  ): Promise<string> {
    const manifest = JSON.parse(manifestText) as Manifest;
    if (manifest.v !== 1 || !/^[0-9a-f]+$/.test(manifest.gen) || !(manifest.chunks > 0))
      throw new Error('bad manifest');
    const parts: string[] = [];
    for (let index = 0; index < manifest.chunks; index += 1) {
      const part = await read(this.chunkAccount(profile, manifest.gen, index));
      if (part === null) throw new Error(`chunk ${index + 1} of ${manifest.chunks} is missing`);
      parts.push(part);
    }
    const encoded = parts.join('');
    if (sha256(encoded) !== manifest.sha256) throw new Error('checksum mismatch');
    return Buffer.from(encoded, 'base64url').toString('utf8');
  }

  async save(profile: string, secret: string): Promise<void> {
    const encoded = Buffer.from(secret, 'utf8').toString('base64url');
    // Named after the content: a save of other content never shares the previous save's chunks, and
    // saving the same content again rewrites the same chunks (so they are not deleted below).
    const gen = sha256(encoded).slice(0, 8);
    const chunks: string[] = [];
    for (let offset = 0; offset < encoded.length; offset += chunkSize)
      chunks.push(encoded.slice(offset, offset + chunkSize));
    const previous = await this.readManifest(profile);
    await this.guard(async () => {
      for (const [index, chunk] of chunks.entries())
        await this.backend.set(this.chunkAccount(profile, gen, index), chunk);
      const manifest: Manifest = { v: 1, gen, chunks: chunks.length, sha256: sha256(encoded) };
      await this.backend.set(this.manifestAccount(profile), JSON.stringify(manifest));
    });
    // The new session is committed; the old chunks are garbage. Removing them is best effort:
    // whatever is left (a crash, a concurrent save) is swept by the next clear().
    if (previous && previous.gen !== gen) await this.deleteChunks(profile, previous).catch(() => undefined);
  }

  async clear(profile: string): Promise<boolean> {
    const previous = await this.readManifest(profile);
    const removed = await this.guard(() => this.backend.delete(this.manifestAccount(profile)));
    if (previous) await this.guard(() => this.deleteChunks(profile, previous));
    await this.sweepOrphans(profile).catch(() => undefined);
    return removed;
  }

  private async readManifest(profile: string): Promise<Manifest | undefined> {
    const text = await this.guard(() => this.backend.get(this.manifestAccount(profile)));
    if (text === null) return undefined;
    try {
      const manifest = JSON.parse(text) as Manifest;
      return manifest.v === 1 && /^[0-9a-f]+$/.test(manifest.gen) && manifest.chunks > 0
        ? manifest
        : undefined;
    } catch {
      return undefined;
    }
  }

  private async deleteChunks(profile: string, manifest: Manifest): Promise<void> {
    for (let index = 0; index < manifest.chunks; index += 1) {
      await this.backend.delete(this.chunkAccount(profile, manifest.gen, index));
    }
  }

  /**
   * Chunks no manifest points at (left by a crash between writing chunks and the manifest). Listing
   * the keychain races with other processes deleting their entries, so callers ignore its failures.
   */
  private async sweepOrphans(profile: string): Promise<void> {
    const prefix = `${this.base(profile)}:`;
    for (const account of await this.backend.list()) {
      if (account.startsWith(prefix)) await this.backend.delete(account);
    }
  }
}

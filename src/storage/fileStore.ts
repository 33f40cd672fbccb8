import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { writeFileAtomic } from '../config/atomicWrite.js';
import {
  checkPrivateDir,
  ensurePrivateDir,
  processOwner,
  readPrivateFile,
  type Owner,
} from '../config/ownership.js';
import { HfloginError } from '../io/errors.js';
import type { SecretStore } from './secretStore.js';
import { storageUnavailable } from './errors.js';

const sessionDirectory = 'session directory';

/** Where `--storage file` keeps a profile's session: `<config dir>/sessions/<profile>.json`. */
export function sessionFilePath(configDir: string, profile: string): string {
  return join(configDir, 'sessions', `${profile}.json`);
}
const sessionFile = 'session file';

/** A refusal (exit 2, src/config/ownership.ts) passes as it is; anything else is storage that cannot be used. */
function unavailable(what: string, error: unknown): HfloginError {
  return error instanceof HfloginError ? error : storageUnavailable(what, error);
}

/**
 * `--storage file`: one 0600 file per profile in `<config dir>/sessions` (0700), replaced atomically.
 * Chosen explicitly by the person, never as a silent fallback for the keychain. The directory and
 * every one above it must be beyond other users' reach, and a session file is read only if it is
 * this user's own regular 0600 file, opened without following links (src/config/ownership.ts):
 * else another user could serve her session as yours.
 */
export class FileStore implements SecretStore {
  readonly kind = 'file' as const;
  private readonly configDir: string;
  private readonly dir: string;

  constructor(
    configDir: string,
    private readonly uid: Owner = processOwner(),
  ) {
    this.configDir = configDir;
    this.dir = join(configDir, 'sessions');
  }

  pathFor(profile: string): string {
    return sessionFilePath(this.configDir, profile);
  }

  private ensureDir(): void {
    ensurePrivateDir(this.configDir, 'config directory', { uid: this.uid });
    // Secrets need the directory private: mkdir leaves an existing directory's mode alone.
    ensurePrivateDir(this.dir, sessionDirectory, { uid: this.uid, tighten: true });
  }

  async check(): Promise<void> {
    try {
      this.ensureDir();
    } catch (error) {
      throw unavailable('session file directory', error);
    }
  }

  async load(profile: string): Promise<string | null> {
    const path = this.pathFor(profile);
    try {
      return await readPrivateFile(
        { path, role: sessionFile, forbidden: 0o077 },
        { path: this.dir, role: sessionDirectory },
        this.uid,
      );
    } catch (error) {
      throw unavailable(sessionFile, error);
    }
  }

  async save(profile: string, secret: string): Promise<void> {
    try {
      this.ensureDir();
      await writeFileAtomic(this.pathFor(profile), secret, 0o600);
    } catch (error) {
      throw unavailable(sessionFile, error);
    }
  }

  async clear(profile: string): Promise<boolean> {
    const path = this.pathFor(profile);
    try {
      if (!checkPrivateDir(this.dir, sessionDirectory, this.uid)) return false;
      // lstat: a link at the name is removed itself, never what it points to.
      await lstat(path);
    } catch (error) {
      if (error instanceof HfloginError) throw error;
      return false;
    }
    await rm(path, { force: true });
    return true;
  }
}

import { chmod, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { writeFileAtomic } from '../config/atomicWrite.js';
import type { SecretStore } from './secretStore.js';
import { storageUnavailable } from './errors.js';

/**
 * `--storage file`: one 0600 file per profile in `<config dir>/sessions` (0700), replaced atomically.
 * Chosen explicitly by the person, never as a silent fallback for the keychain.
 */
export class FileStore implements SecretStore {
  readonly kind = 'file' as const;
  private readonly dir: string;

  constructor(configDir: string) {
    this.dir = join(configDir, 'sessions');
  }

  pathFor(profile: string): string {
    return join(this.dir, `${profile}.json`);
  }

  private async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing directory's mode alone; secrets need it private.
    if (((await stat(this.dir)).mode & 0o077) !== 0) await chmod(this.dir, 0o700);
  }

  async check(): Promise<void> {
    try {
      await this.ensureDir();
    } catch (error) {
      throw storageUnavailable('session file directory', error);
    }
  }

  async load(profile: string): Promise<string | null> {
    try {
      return await readFile(this.pathFor(profile), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw storageUnavailable('session file', error);
    }
  }

  async save(profile: string, secret: string): Promise<void> {
    try {
      await this.ensureDir();
      await writeFileAtomic(this.pathFor(profile), secret, 0o600);
    } catch (error) {
      throw storageUnavailable('session file', error);
    }
  }

  async clear(profile: string): Promise<boolean> {
    try {
      await stat(this.pathFor(profile));
    } catch {
      return false;
    }
    await rm(this.pathFor(profile), { force: true });
    return true;
  }
}

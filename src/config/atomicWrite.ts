import { chmod, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that readers see the old content or the new, never a mix: write a temporary
 * file beside it, flush it to disk, then rename over the target (atomic on POSIX and NTFS). The
 * rename replaces a link planted at the target, never follows it. The directory must exist: callers
 * make and check it first (ensurePrivateDir in ./ownership.ts).
 */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const dir = dirname(path);
  // Unique is enough: 'wx' (O_EXCL) refuses a file, or a planted link, that already has the name.
  const temporary = join(dir, `.${basename(path)}.${Math.random().toString(36).slice(2, 12)}.tmp`);
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // The mode given to open() is filtered by the umask; set it exactly.
    await chmod(temporary, mode);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

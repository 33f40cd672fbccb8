/**
 * SHA-256, in hex. node:crypto is loaded on first use, not when this module is: it is not in Node's
 * start-up snapshot, and loading it (hashes, ciphers, key objects) costs ~2 ms on Node 20 — more
 * than `hflogin token`'s own work, which never hashes anything with file storage.
 */
export function sha256Hex(data: string | Uint8Array): string {
  const { createHash } = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(data).digest('hex');
}

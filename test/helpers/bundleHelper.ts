import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

/**
 * One of test/helpers' programs (`name`.ts) bundled into a plain .mjs that `node` runs as a child
 * process: it starts in ~50 ms where tsx would take ~300 ms. As in the real build, the keychain's
 * native addon is loaded from node_modules, never bundled.
 */
export async function bundleHelper(name: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), `hflogin-${name}-`)), `${name}.mjs`);
  await build({
    entryPoints: [fileURLToPath(new URL(`./${name}.ts`, import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    external: ['@napi-rs/keyring'],
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

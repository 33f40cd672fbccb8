import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** `npm pack` of the current build (dist/ must be built), without running any script. */
export function packTarball(): { tarball: string; files: string[] } {
  const destination = mkdtempSync(join(tmpdir(), 'hflogin-pack-'));
  const output = execFileSync(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', destination],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  const [result] = JSON.parse(output) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: join(destination, result!.filename), files: result!.files.map((file) => file.path) };
}

/** Installs a tarball into an empty prefix from the npm registry, as `npx hflogin` would. */
export function installTarball(tarball: string): string {
  const prefix = mkdtempSync(join(tmpdir(), 'hflogin-install-'));
  execFileSync(
    'npm',
    ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-package-lock', tarball],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return prefix;
}

/** Packages and bytes under a node_modules folder (every package.json-bearing package counts). */
export function footprint(nodeModules: string): { packages: string[]; bytes: number } {
  const packages: string[] = [];
  let bytes = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) walk(path);
      else bytes += statSync(path).size;
    }
  };
  const collect = (dir: string, scope = '') => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === '.bin' || entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@')) collect(join(dir, entry.name), `${entry.name}/`);
      else packages.push(`${scope}${entry.name}`);
    }
  };
  collect(nodeModules);
  walk(nodeModules);
  return { packages: packages.sort(), bytes };
}

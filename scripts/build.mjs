// Bundles the CLI into one ESM file, dist/cli.js. The keychain library stays external:
// it loads a platform-specific native addon that cannot be inlined.
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.18',
  external: ['@napi-rs/keyring'],
  define: { __HFLOGIN_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __hfloginCreateRequire } from 'node:module'; const require = __hfloginCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});

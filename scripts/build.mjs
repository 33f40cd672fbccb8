// Bundles the CLI for npm: ESM with code splitting, so each command's code (and the OIDC client,
// prompts, browser opener it needs) loads only when that command runs. Pure-JS dependencies are
// inlined (npx then downloads little more than hflogin); the keychain library stays external: it
// loads a platform-specific native addon.
import { copyFile, readFile, rm } from 'node:fs/promises';
import { build } from 'esbuild';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20.18',
  external: ['@napi-rs/keyring'],
  define: { __HFLOGIN_VERSION__: JSON.stringify(pkg.version) },
  minify: true,
  // Bundled CommonJS dependencies call require(); give the ESM chunks one.
  banner: {
    js: "import { createRequire as __hfloginCreateRequire } from 'node:module'; const require = __hfloginCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
// `open` falls back to this copy of xdg-open where the system has none; it looks beside itself.
await copyFile(new URL('../node_modules/open/xdg-open', import.meta.url), 'dist/chunks/xdg-open');

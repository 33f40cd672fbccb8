// Bundles the CLI for npm: ESM with code splitting, so each command's code (and the OIDC client,
// prompts, browser opener it needs) loads only when that command runs. Pure-JS dependencies are
// inlined (npx then downloads little more than hflogin); the keychain library stays external: it
// loads a platform-specific native addon.
import { execFileSync } from 'node:child_process';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

import { writeLibraryTypes } from './libTypes.mjs';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

/** What every bundle shares: Node 20.18, minified, the keychain library left to node_modules. */
const shared = {
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20.18',
  external: ['@napi-rs/keyring'],
  define: { __HFLOGIN_VERSION__: JSON.stringify(pkg.version) },
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};
/** ESM with code splitting (the CLI's program, the library); bundled CommonJS dependencies call require(): give the chunks one. */
const splitEsm = {
  ...shared,
  splitting: true,
  format: 'esm',
  banner: {
    js: "import { createRequire as __hfloginCreateRequire } from 'node:module'; const require = __hfloginCreateRequire(import.meta.url);",
  },
};

await rm('dist', { recursive: true, force: true });
await build({ ...splitEsm, entryPoints: { cli: 'src/cli.ts' }, chunkNames: 'chunks/[name]-[hash]' });
// dist/hot.cjs: bin/hflogin.cjs's first stop (src/hotCli.ts). `--version`, help, and
// `token`/`status`/`whoami` answered from the files on this machine, in one CommonJS file: on Node 20, an ESM entry alone
// costs ~6 ms of loader start-up (a third of `node -e 0`), and split chunks load one by one. What
// needs more (the parser, a refresh, a sign-in) is dist/cli.js's, loaded only then.
// The session's dynamic imports of the OIDC client (a refresh, a discovery, a revocation) and the
// HTTP client's of undici (a proxy) stay out of it: in CommonJS esbuild would inline them (undici
// is half a megabyte, oauth4webapi half of hot.cjs). Here they resolve to a module that fails to
// load, so a refresh that comes due ends the hot path and dist/cli.js answers instead
// (src/hotPath.ts).
const networkStaysOut = {
  name: 'network-stays-out',
  setup(build) {
    build.onResolve({ filter: /^(oauth4webapi|undici|\.\.\/oauth\/.*)$/ }, (args) =>
      args.kind === 'dynamic-import' && /\/src\/(session|io)\//.test(args.importer)
        ? { path: args.path, namespace: 'network-stays-out' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'network-stays-out' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path}: not in the hot path (dist/cli.js has it)`)});`,
      loader: 'js',
    }));
  },
};
// Help as a script sees it (80 columns), rendered by the program just built, in a file of its own
// (parsing it inside hot.cjs would cost every `token`): the hot path prints it without loading the
// parser (src/hotCli.ts).
await writeFile(
  'dist/help.json',
  execFileSync(process.execPath, ['scripts/helpTexts.mjs'], { encoding: 'utf8' }),
);
// The keychain library is CommonJS: import() would start the ESM loader and parse it with
// cjs-module-lexer (~3 ms on Node 20) just to hand back what require() gives.
const keyringByRequire = {
  name: 'keyring-by-require',
  setup(build) {
    build.onResolve({ filter: /^@napi-rs\/keyring$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, namespace: 'keyring-by-require' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'keyring-by-require' }, () => ({
      contents: "module.exports = require('@napi-rs/keyring');",
      loader: 'js',
    }));
  },
};
await build({
  ...shared,
  entryPoints: { hot: 'src/hotCli.ts' },
  plugins: [networkStaysOut, keyringByRequire],
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
});
// `open` falls back to this copy of xdg-open where the system has none; it looks beside itself.
await copyFile(new URL('../node_modules/open/xdg-open', import.meta.url), 'dist/chunks/xdg-open');

// dist/lib.js: the library (`import { getAccessToken } from 'hflogin'`, src/lib.ts), a build of its
// own that the CLI never loads, so neither entry's start-up pays for the other. Split like the CLI
// (into dist/lib-chunks/): importing it loads ~10 kB, and each function loads its command when
// called — the token path never loads the sign-in (loopback server, OIDC client, `open`) or undici.
// Not shared with dist/chunks/: a second entry point in the CLI's build would re-cut the CLI's
// chunks, and the CLI's start-up is measured (README, Performance).
const library = await build({
  ...splitEsm,
  entryPoints: { lib: 'src/lib.ts' },
  chunkNames: 'lib-chunks/[name]-[hash]',
  metafile: true,
});
// The library never loads the command-line parser (eslint.config.js keeps src/lib.ts from
// importing it; this catches a path through a shared module).
const parser = Object.keys(library.metafile.inputs).filter((input) =>
  input.includes('node_modules/commander/'),
);
if (parser.length > 0) throw new Error(`dist/lib.js bundles commander (${parser.join(', ')})`);
await copyFile(new URL('../node_modules/open/xdg-open', import.meta.url), 'dist/lib-chunks/xdg-open');
// Its types: dist/types/lib.d.ts and the declarations it names (scripts/libTypes.mjs).
await writeLibraryTypes('src/lib.ts', 'dist/types');

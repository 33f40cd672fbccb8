// `npm run build:binary`: hflogin as one executable file, through Node's Single Executable
// Applications: esbuild bundles the CLI into one CommonJS script, Node turns it into a blob with
// the keychain's native addon as an asset, and postject injects the blob into a copy of this
// Node binary. Builds for the platform it runs on (see the README for macOS and Windows).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const target = `${process.platform}-${process.arch}`;
const out = 'dist/sea';
mkdirSync(out, { recursive: true });

// The addon the platform package of @napi-rs/keyring ships, e.g. keyring.linux-x64-gnu.node.
const keyringDir = dirname(require.resolve('@napi-rs/keyring/package.json'));
const libc =
  process.platform === 'linux'
    ? process.report.getReport().header.glibcVersionRuntime
      ? '-gnu'
      : '-musl'
    : '';
const suffix = `${process.platform}-${process.arch}${libc}`;
const platformPackage = `@napi-rs/keyring-${suffix}`;
const addon = join(
  dirname(require.resolve(`${platformPackage}/package.json`, { paths: [keyringDir] })),
  `keyring.${suffix}.node`,
);

await build({
  entryPoints: ['src/seaMain.ts'],
  outfile: `${out}/hflogin.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.18',
  // Loaded from node_modules only outside the binary; inside, from the embedded asset.
  external: ['@napi-rs/keyring'],
  define: { __HFLOGIN_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__hfloginImportMetaUrl' },
  banner: { js: "var __hfloginImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const seaConfig = {
  main: `${out}/hflogin.cjs`,
  output: `${out}/hflogin.blob`,
  disableExperimentalSEAWarning: true,
  // V8's code cache of the bundle, made at build time for this exact Node: the binary skips
  // compiling the bundle at every start. Measured (npm run bench's method, 2 cores, Node 20.20.2,
  // medians of 20, ratio to `node -e 0`): without it `--version` 33–46 ms (1.7–2.0×) and `token`
  // 44–49 ms (2.4×); with it 19–23 ms (1.07×) and 31 ms (1.7×). `useSnapshot` (the bundle run at
  // build time, `runAsProcess` as the snapshot's main function) was no faster for `token`
  // (30–33 ms), slower for `--version` (22–25 ms, 1.2×), took 7 MiB more memory, and freezes
  // whatever module-level state the bundle computes on the build machine: not used.
  useCodeCache: true,
  assets: { 'keyring.node': addon },
};
writeFileSync(`${out}/sea-config.json`, JSON.stringify(seaConfig, null, 2));
execFileSync(process.execPath, ['--experimental-sea-config', `${out}/sea-config.json`], { stdio: 'inherit' });

const binary = `dist/hflogin-${target}${process.platform === 'win32' ? '.exe' : ''}`;
copyFileSync(process.execPath, binary);
chmodSync(binary, 0o755);
const { inject } = require('postject');
await inject(binary, 'NODE_SEA_BLOB', readFileSync(seaConfig.output), {
  sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
});
console.log(
  `built ${binary} (${(statSync(binary).size / 1024 / 1024).toFixed(1)} MB) with ${platformPackage}`,
);

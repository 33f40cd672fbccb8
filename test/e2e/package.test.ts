import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../emulator/index.js';
import { footprint, installTarball, packTarball } from '../helpers/footprint.js';
import { browseToCallback } from '../helpers/httpUserAgent.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';

const execFileAsync = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const example = join(root, 'examples', 'print-token.mjs');

/**
 * The published package: `npm pack`, installed into an empty prefix from the npm registry alone
 * (as `npx hflogin` does), then used to sign in against the emulator.
 */
describe('the npm package', () => {
  let emulator: Emulator;
  let tarballFiles: string[];
  let prefix: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    const packed = packTarball();
    tarballFiles = packed.files;
    prefix = installTarball(packed.tarball);
  }, 180_000);
  afterAll(() => emulator?.close());

  it('ships only the built CLI and library, its types, README and LICENSE, without install scripts', () => {
    for (const file of [
      'bin/hflogin.cjs',
      'dist/hot.cjs',
      'dist/help.json',
      'dist/cli.js',
      'dist/lib.js',
      'dist/types/lib.d.ts',
      'README.md',
      'LICENSE',
    ])
      expect(tarballFiles).toContain(file);
    expect(
      tarballFiles.filter(
        (file) =>
          !/^(bin\/|dist\/cli\.js$|dist\/hot\.cjs$|dist\/help\.json$|dist\/chunks\/|dist\/lib\.js$|dist\/lib-chunks\/|package\.json$|README\.md$|LICENSE$)/.test(
            file,
          ),
      ),
    ).toEqual([
      'dist/types/io/errorCodes.d.ts',
      'dist/types/io/errors.d.ts',
      'dist/types/lib.d.ts',
      'dist/types/libTypes.d.ts',
    ]);
    // The library never loads the command-line parser.
    const chunks = tarballFiles.filter((file) => /^dist\/(lib\.js|lib-chunks\/.*\.js)$/.test(file));
    expect(chunks.length).toBeGreaterThan(1);
    for (const file of chunks)
      expect(readFileSync(join(prefix, 'node_modules', 'hflogin', file), 'utf8')).not.toContain(
        'CommanderError',
      );
    const manifest = JSON.parse(
      readFileSync(join(prefix, 'node_modules', 'hflogin', 'package.json'), 'utf8'),
    ) as {
      scripts?: Record<string, string>;
      dependencies: Record<string, string>;
      license: string;
      repository: { url: string };
      homepage: string;
      bugs: { url: string };
    };
    // Where to read more and report a problem, all naming the same repository.
    expect(manifest.license).toBe('MIT');
    const repository = 'https://github.com/hflogin/hflogin';
    expect(manifest.repository.url).toBe(`git+${repository}.git`);
    expect(manifest.homepage).toBe(`${repository}#readme`);
    expect(manifest.bugs.url).toBe(`${repository}/issues`);
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
      expect(manifest.scripts?.[hook]).toBeUndefined();
    expect(Object.keys(manifest.dependencies)).toEqual(['@napi-rs/keyring']);
  });

  it('installs as at most 5 packages in at most 6 MB', () => {
    const { packages, bytes } = footprint(join(prefix, 'node_modules'));
    console.log(
      `[footprint] ${packages.length} packages (${packages.join(', ')}), ${(bytes / 1024 / 1024).toFixed(2)} MB`,
    );
    expect(packages).toContain('hflogin');
    expect(packages).toContain('@napi-rs/keyring');
    expect(packages.length).toBeLessThanOrEqual(5);
    expect(bytes).toBeLessThanOrEqual(6 * 1024 * 1024);
  });

  it('signs in against the emulator from the installed package, then says who', async () => {
    const isolated = isolatedProfile();
    const bin = join(prefix, 'node_modules', '.bin', 'hflogin');
    const run = runHflogin(
      ['login', '--endpoint', emulator.endpoint, '--app-id', emulator.appId, '--storage', 'file'],
      {
        ...isolated.env,
        HFLOGIN_BIN: bin,
      },
    );
    // The person's browser, played over HTTP: through Hugging Face to the waiting loopback.
    expect((await fetch(await browseToCallback(await run.signInUrl))).status).toBe(200);
    expect(await run.exit).toBe(0);
    const whoami = runHflogin(['whoami'], { ...isolated.env, HFLOGIN_BIN: bin });
    expect(await whoami.exit).toBe(0);
    expect(whoami.stdout()).toContain('Hugging Face: alice-hf');

    // The library's example, as a program that installed hflogin runs it: `import … from 'hflogin'`
    // resolves through the installed package's exports map.
    const program = join(prefix, 'print-token.mjs');
    copyFileSync(example, program);
    // Not execFileSync: the emulator answering it runs in this process.
    const { stdout: printed } = await execFileAsync(process.execPath, [program], {
      env: { ...process.env, ...isolated.env },
      encoding: 'utf8',
    });
    expect(printed).toMatch(
      /^alice-hf on 127\.0\.0\.1:\d+: a Bearer token for userinfo, valid until \S+Z\n$/,
    );
  });

  it('types the library for a TypeScript program from the installed package alone', () => {
    const program = join(prefix, 'consumer.mts');
    writeFileSync(
      program,
      [
        "import { ErrorCode, getAccessToken, HfloginError, signIn, status, type AccessToken } from 'hflogin';",
        "const token: AccessToken = await getAccessToken({ resource: 'https://api.example.com', storage: 'file' });",
        'const scope: string = token.scope;',
        "const state: 'valid' | string = (await status()).profiles[0]!.state;",
        'await signIn({ openBrowser: (url) => console.log(url), signal: AbortSignal.timeout(1000) });',
        'const code: string = ErrorCode.notSignedIn;',
        'export const checks = [scope, state, code, new HfloginError("x", { code, exitCode: 4, hint: "y" }).hint];',
        '// @ts-expect-error: there is no such option',
        'await getAccessToken({ audience: "x" });',
        '',
      ].join('\n'),
    );
    // No skipLibCheck: the shipped declarations themselves are checked, and may name only what a
    // consumer has (Node's types: @types/node, as any Node program in TypeScript).
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const output = execFileSync(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        '--typeRoots',
        join(root, 'node_modules', '@types'),
        program,
      ],
      { cwd: prefix, encoding: 'utf8' },
    );
    expect(output).toBe('');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../emulator/index.js';
import { footprint, installTarball, packTarball } from '../helpers/footprint.js';
import { browseToCallback } from '../helpers/httpUserAgent.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';

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

  it('ships only the built CLI, its README and LICENSE, without install scripts', () => {
    for (const file of [
      'bin/hflogin.cjs',
      'dist/hot.cjs',
      'dist/help.json',
      'dist/cli.js',
      'README.md',
      'LICENSE',
    ])
      expect(tarballFiles).toContain(file);
    expect(
      tarballFiles.every((file) =>
        /^(bin\/|dist\/cli\.js$|dist\/hot\.cjs$|dist\/help\.json$|dist\/chunks\/|package\.json$|README\.md$|LICENSE$)/.test(
          file,
        ),
      ),
    ).toBe(true);
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
  });
});

import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseSession, serializeSession } from '../../src/session/session.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { isolatedProfile, runHflogin } from '../helpers/hfloginProcess.js';
import { seedSignedInSession, storeFor } from '../helpers/seedSession.js';

const library = pathToFileURL(fileURLToPath(new URL('../../dist/lib.js', import.meta.url))).href;
const caller = fileURLToPath(new URL('../helpers/libraryCaller.mjs', import.meta.url));
const example = fileURLToPath(new URL('../../examples/print-token.mjs', import.meta.url));

/** A process that runs `script` with node, with `env` over this one's; its exit and output. */
function node(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { exit, stdout: () => stdout, stderr: () => stderr };
}

/**
 * The built library (dist/lib.js) in processes of its own, beside the CLI: one session, one lock.
 * In-process behaviour: test/inprocess/library.test.ts.
 */
describe('hflogin as a library, in processes of its own', () => {
  let emulator: Emulator;
  const refreshes = () => emulator.stats.tokenRequests.refresh_token ?? 0;

  beforeAll(async () => {
    // Reuse of a rotated refresh token revokes the grant at once: no grace hides a race.
    emulator = await startEmulator({ refreshTokenReuseIntervalSeconds: 0 });
  });
  afterAll(() => emulator.close());

  async function signedIn() {
    const isolated = isolatedProfile();
    const env = { ...isolated.env, HFLOGIN_STORAGE: 'file' };
    await seedSignedInSession(emulator, {
      configDir: isolated.configDir,
      profile: isolated.profile,
      storage: 'file',
    });
    const store = await storeFor('file', isolated.configDir);
    return {
      env,
      stored: async () => parseSession((await store.load(isolated.profile))!),
      expire: async () => {
        const session = parseSession((await store.load(isolated.profile))!);
        await store.save(
          isolated.profile,
          serializeSession({ ...session, accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString() }),
        );
      },
    };
  }

  it('10 library callers and 10 `hflogin token` racing on an expired session make exactly 1 refresh', async () => {
    const profile = await signedIn();
    await profile.expire();
    const before = refreshes();
    const reusedBefore = emulator.stats.refreshTokenReuse;
    const runs = Array.from({ length: 20 }, (_, index) =>
      index % 2 === 0 ? node([caller, library], profile.env) : runHflogin(['token'], profile.env),
    );
    const codes = await Promise.all(runs.map((run) => run.exit));
    const printed = runs.map((run) => run.stdout().trim());

    const made = refreshes() - before;
    console.log(
      `[library race] 10 library + 10 CLI processes, ${made} refresh(es), ${new Set(printed).size} distinct token(s)`,
    );
    // The library says nothing (its onMessage is unset); the CLI at most that it waited its turn.
    expect(runs.filter((_, index) => index % 2 === 0).map((run) => run.stderr())).toEqual(
      Array.from({ length: 10 }, () => ''),
    );
    for (const run of runs.filter((_, index) => index % 2 === 1))
      expect(run.stderr()).toMatch(
        /^(Waiting for another hflogin process (\(pid \d+\) )?that is using the session of profile "[^"]+"…\n)?$/,
      );
    expect(codes).toEqual(Array.from({ length: 20 }, () => 0));
    expect(made).toBe(1);
    expect(emulator.stats.refreshTokenReuse - reusedBefore).toBe(0);
    expect(new Set(printed).size).toBe(1);
    expect((await profile.stored()).accessToken).toBe(printed[0]);
  });

  it('runs examples/print-token.mjs through the package’s own exports (a self-reference)', async () => {
    const profile = await signedIn();
    const run = node([example], profile.env);
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toBe('');
    expect(run.stdout()).toMatch(
      new RegExp(
        `^alice-hf on ${new URL(emulator.endpoint).host.replace('.', '\\.')}: a Bearer token for userinfo, valid until \\d{4}-\\S+Z\\n$`,
      ),
    );
    // Signed out, it fails as the CLI does: its message, its hint and exit code 4.
    const signedOut = node([example], { ...profile.env, HFLOGIN_PROFILE: 'nobody' });
    expect(await signedOut.exit).toBe(4);
    expect(signedOut.stdout()).toBe('');
    expect(signedOut.stderr()).toMatch(/hflogin login/);
  });
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { serializeSession } from '../../src/session/session.js';
import { expectRefused } from '../helpers/hostile.js';
import { fakeHost, hflogin } from '../helpers/inProcess.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
  } catch {
    return [];
  }
}

/**
 * Every token the emulator issued is looked for in everything hflogin printed (with and without
 * --debug) and every file it wrote: only `hflogin token`'s stdout may carry one.
 */
describe('secrets never leak', () => {
  const emulator = useEmulator();
  const host = fakeHost();
  const outputs: Array<{ what: string; text: string; mayCarryToken: boolean }> = [];

  /** Every stored token expired, so the next command refreshes (rotating the refresh token). */
  async function expireTokens() {
    const session = (await host.session('keychain'))!;
    const past = new Date(Date.now() - 1000).toISOString();
    session.accessTokenExpiresAt = past;
    for (const token of Object.values(session.audiences ?? {})) token.expiresAt = past;
    await (await host.store('keychain')).save(host.profile, serializeSession(session));
  }

  async function run(args: string[], mayCarryToken = false) {
    if (args[0] === 'whoami' || args[0] === 'token') await expireTokens();
    // login: the fake browser signs in at Hugging Face.
    const started = hflogin(host, args);
    const code = await started.exit;
    outputs.push({ what: `${args.join(' ')} (stdout)`, text: started.stdout(), mayCarryToken });
    outputs.push({ what: `${args.join(' ')} (stderr)`, text: started.stderr(), mayCarryToken: false });
    return code;
  }

  it('prints and writes no token anywhere but token’s stdout', async () => {
    expect(await run(loginArgs(emulator, '--resource', 'https://api.example.com', '--debug'))).toBe(0);
    // Each whoami and token below finds its token expired, so it refreshes first (rotating the
    // refresh token): the refresh path is searched for leaks too.
    for (const debug of [[], ['--debug']]) {
      expect(await run(['whoami', ...debug])).toBe(0);
      expect(await run(['whoami', '--json', ...debug])).toBe(0);
      expect(await run(['token', ...debug], true)).toBe(0);
      expect(await run(['token', '--json', ...debug], true)).toBe(0);
      expect(await run(['token', '--resource', 'https://api.example.com', ...debug], true)).toBe(0);
      expect(await run(['status', '--json', ...debug])).toBe(0);
      expect(await run(['config', 'list', ...debug])).toBe(0);
      // A failure with --debug prints its cause (redacted).
      expect(await run(['token', '--resource', 'https://unknown.example.com', ...debug])).toBe(1);
    }
    expect(await run(['logout', '--debug'])).toBe(0);

    const tokens = [...new Set(emulator.stats.issuedTokens)];
    expect(tokens.length).toBeGreaterThan(10);
    const leaks: string[] = [];
    for (const output of outputs) {
      if (output.mayCarryToken) continue;
      for (const token of tokens) if (output.text.includes(token)) leaks.push(output.what);
    }
    // Everything written under the host's directory (its config directory among it).
    const files = filesUnder(host.root);
    expect(files.some((file) => file.endsWith('config.json'))).toBe(true);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const token of tokens) if (text.includes(token)) leaks.push(file);
    }
    // And the token command did print tokens: the search would have found one.
    expect(
      outputs.some((output) => output.mayCarryToken && tokens.some((token) => output.text.includes(token))),
    ).toBe(true);
    console.log(
      `[secrets] ${tokens.length} issued tokens looked for in ${outputs.length} outputs and ${files.length} files: ${leaks.length} leaks`,
    );
    expect(leaks).toEqual([]);
  });

  /**
   * A proxy variable may carry a password (`http://user:password@proxy:3128`), and one that does not
   * parse may hold it anywhere. Requests to a tenant that is not on the loopback go through it; the
   * failure (with --debug, its cause) must not print it.
   */
  it.each([
    'http://user:s3cr3t-pw@127.0.0.1:9',
    'http://s3cr3t-pw@127.0.0.1:9',
    'user:s3cr3t-pw@proxy:3128',
    'http://user:s3cr3t pw@pro xy:3128',
    'http://user:s3cr3t@pw@[::1',
    'socks5://user:s3cr3t-pw@127.0.0.1:1080',
    's3cr3t-pw',
  ])('prints no password from the proxy variable %j, with --debug or without', async (proxy) => {
    const proxied = fakeHost({
      HTTPS_PROXY: proxy,
      HFLOGIN_ENDPOINT: 'https://tenant.example.com',
      HFLOGIN_APP_ID: 'hflogin-native-app',
      HFLOGIN_STORAGE: 'file',
    });
    let printed = '';
    const commands = [
      ['login', '--debug', '--timeout', '1'],
      ['login', '--timeout', '1'],
      ['doctor', '--debug'],
      ['doctor', '--json'],
    ];
    for (const args of commands) {
      const started = hflogin(proxied, args);
      await started.exit;
      printed += started.stdout() + started.stderr();
    }
    expect(printed).toContain('Error:');
    expectRefused(`proxy password printed from HTTPS_PROXY=${proxy}`, !printed.includes('s3cr3t'));
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { faults, type Fault } from '../emulator/index.js';
import { fakeHost, hflogin } from '../helpers/inProcess.js';
import { loginArgs, useEmulator } from '../helpers/useEmulator.js';

/** What hflogin's message must name for each defect. */
const named: Record<Fault, RegExp> = {
  id_token_bad_signature: /signature/i,
  id_token_unknown_kid: /key/i,
  id_token_alg_none: /"alg"/,
  id_token_wrong_iss: /"iss"/,
  id_token_wrong_aud: /"aud"/,
  id_token_expired: /"exp"/,
  id_token_wrong_nonce: /"nonce"/,
  id_token_missing_nonce: /"nonce"/,
  auth_response_missing_iss: /"iss"/,
  auth_response_wrong_iss: /"iss"/,
  auth_response_wrong_state: /state/,
  token_response_missing_id_token: /id_token/,
  token_response_unsupported_token_type: /token_type/,
};

/**
 * A provider that gets one thing wrong at a time (the emulator's faulty switch): each defect is
 * refused with exit 1, a message naming it, and nothing stored. The fake browser signs in at
 * Hugging Face; its redirect reaches the loopback.
 */
describe('faulty providers', () => {
  const emulator = useEmulator();
  let refused = 0;
  const messages: string[] = [];
  afterEach(() => emulator.setFault(null));
  afterAll(() => {
    console.log(`[faults] ${refused} of ${faults.length} defects refused:\n  ${messages.join('\n  ')}`);
  });

  const login = () => hflogin(fakeHost(), loginArgs(emulator, '--storage', 'file'));

  it.each(faults)('refuses %s', async (fault) => {
    emulator.setFault(fault);
    const host = fakeHost();
    const run = hflogin(host, loginArgs(emulator, '--storage', 'file', '--timeout', '3'));
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toMatch(named[fault]);
    messages.push(`${fault}: ${/^Error: (.*)$/m.exec(run.stderr())?.[1]}`);
    // Nothing stored: no session, no profile (file storage may have made its empty directory).
    expect(existsSync(join(host.configDir, 'config.json'))).toBe(false);
    expect(existsSync(join(host.configDir, 'sessions', `${host.profile}.json`))).toBe(false);
    refused += 1;
  });

  it('still signs in once the provider behaves', async () => {
    expect(await login().exit).toBe(0);
  });

  it('tolerates a provider clock a few minutes off, and reports a larger offset', async () => {
    // A provider whose clock is 62 minutes behind: its 60-minute ID token expired 2 minutes ago here.
    emulator.options.clockSkewSeconds = -62 * 60;
    try {
      expect(await login().exit).toBe(0);

      emulator.options.clockSkewSeconds = -90 * 60;
      const refused = login();
      expect(await refused.exit).toBe(1);
      expect(refused.stderr()).toContain('"exp"');
      expect(refused.stderr()).toContain("the token was issued 90 minutes before this machine's time");
      expect(refused.stderr()).toContain("Check this machine's clock");
    } finally {
      emulator.options.clockSkewSeconds = 0;
    }
  });
});

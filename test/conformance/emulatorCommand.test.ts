import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run emulator', () => {
  it('prints one JSON line first, serves a SPEC-shaped discovery, and stops on SIGINT', async () => {
    // What `npm run emulator` runs (package.json), without npm in between so the signal reaches it.
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/main.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`emulator exited early with ${code}`)));
      });
      const announced = JSON.parse(firstLine) as Record<string, string>;
      expect(Object.keys(announced).sort()).toEqual(['appId', 'deviceAppId', 'endpoint']);
      expect(announced.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const discovery = (await (
        await fetch(`${announced.endpoint}/oidc/.well-known/openid-configuration`)
      ).json()) as Record<string, unknown>;
      expect(discovery).toMatchObject({
        issuer: `${announced.endpoint}/oidc`,
        authorization_endpoint: `${announced.endpoint}/oidc/auth`,
        token_endpoint: `${announced.endpoint}/oidc/token`,
        userinfo_endpoint: `${announced.endpoint}/oidc/me`,
        revocation_endpoint: `${announced.endpoint}/oidc/token/revocation`,
        end_session_endpoint: `${announced.endpoint}/oidc/session/end`,
        jwks_uri: `${announced.endpoint}/oidc/jwks`,
        device_authorization_endpoint: `${announced.endpoint}/oidc/device/auth`,
        id_token_signing_alg_values_supported: ['ES384'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
      });

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

import { setTimeout as sleep } from 'node:timers/promises';

import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';

import type { Emulator } from '../emulator/index.js';
import { useTestClient } from '../helpers/oidcClient.js';

function grantIdOf(emulator: Emulator, accessToken: string) {
  // Opaque access tokens are looked up in the provider; their grantId ties them to the grant.
  return emulator.provider.AccessToken.find(accessToken).then((token) => token?.grantId ?? '');
}

describe('refresh tokens', () => {
  const { emulator, client } = useTestClient();

  it('are issued with offline_access and prompt=consent', async () => {
    const { tokens } = await client.signIn();
    expect(tokens.refresh_token).toBeTypeOf('string');
  });

  it('are not issued without prompt=consent (offline_access is dropped)', async () => {
    const { tokens } = await client.signIn({ prompt: '' });
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope?.split(' ')).not.toContain('offline_access');
  });

  it('are not issued without offline_access', async () => {
    const { tokens } = await client.signIn({ scope: 'openid profile' });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('rotate on every use', async () => {
    const { tokens } = await client.signIn();
    const first = await client.refresh(tokens.refresh_token!);
    const second = await client.refresh(first.refresh_token!);
    expect(first.refresh_token).toBeTypeOf('string');
    expect(first.refresh_token).not.toBe(tokens.refresh_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(second.id_token!).sub).toBe('u1alice00001');
  });

  it('may be presented again within the 3 s grace, and doing so after it revokes the whole grant', async () => {
    const { tokens } = await client.signIn();
    const grantId = await grantIdOf(emulator, tokens.access_token);
    expect(emulator.grantAlive(grantId)).toBe(true);

    const rotated = await client.refresh(tokens.refresh_token!);
    // A concurrent client with the same token, within the grace window: still accepted (Logto).
    const racing = await client.refresh(tokens.refresh_token!);
    expect(racing.access_token).toBeTypeOf('string');

    await sleep(3_300);
    const revokedBefore = emulator.stats.grantsRevoked;
    const reuse = await client.refreshRaw(tokens.refresh_token!);
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: 'grant request is invalid',
    });
    expect(emulator.stats.grantsRevoked).toBe(revokedBefore + 1);
    expect(emulator.grantAlive(grantId)).toBe(false);

    // Every token of the grant is gone, including the newest rotation.
    const newest = await client.refreshRaw(rotated.refresh_token!);
    expect(newest.status).toBe(400);
    expect(await newest.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('counts refreshes so tests can prove how many a client made', async () => {
    const before = emulator.stats.tokenRequests.refresh_token ?? 0;
    const { tokens } = await client.signIn();
    await client.refresh(tokens.refresh_token!);
    expect(emulator.stats.tokenRequests.refresh_token).toBe(before + 1);
  });
});

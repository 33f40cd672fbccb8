import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';

import { useTestClient } from '../helpers/oidcClient.js';

describe('authorization code flow for the native app', () => {
  const { emulator, client } = useTestClient();

  it('signs in through Hugging Face and returns a verified ES384 ID token with the nonce', async () => {
    const { tokens } = await client.signIn();
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.refresh_token).toBeTypeOf('string');
    const claims = decodeJwt(tokens.id_token!);
    expect(claims).toMatchObject({
      iss: emulator.issuer,
      aud: emulator.appId,
      sub: 'u1alice00001',
      name: 'Alice Ng',
    });
    // identities is userinfo-only in Logto's default ID token config.
    expect(claims).not.toHaveProperty('identities');
  });
});

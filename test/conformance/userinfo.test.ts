import { describe, expect, it } from 'vitest';

import { useTestClient } from '../helpers/oidcClient.js';
import { aliceAtHuggingFace } from '../helpers/seededUsers.js';

describe('userinfo claims per Logto scope', () => {
  const { client } = useTestClient();

  it('returns profile, email and the Hugging Face identity as Logto links it', async () => {
    const { tokens } = await client.signIn();
    const userinfo = await client.userinfo(tokens.access_token, 'u1alice00001');
    expect(userinfo).toMatchObject({
      sub: 'u1alice00001',
      name: 'Alice Ng',
      picture: 'https://cdn-avatars.huggingface.co/alice.png',
      username: null,
      email: 'alice@example.com',
      email_verified: true,
      sso_identities: [],
    });
    expect(userinfo.identities).toEqual({
      huggingface: {
        userId: '65a1f0c2e4b0a1b2c3d4e5f6',
        details: {
          id: '65a1f0c2e4b0a1b2c3d4e5f6',
          name: 'Alice Ng',
          avatar: 'https://cdn-avatars.huggingface.co/alice.png',
          email: 'alice@example.com',
          rawData: {
            ...aliceAtHuggingFace,
            orgs: [expect.objectContaining({ preferred_username: 'open-models' })],
          },
        },
      },
    });
  });

  it('releases only what the granted scopes cover', async () => {
    const { tokens } = await client.signIn({ scope: 'openid offline_access profile' });
    const userinfo = await client.userinfo(tokens.access_token);
    expect(userinfo).toHaveProperty('name');
    expect(userinfo).not.toHaveProperty('email');
    expect(userinfo).not.toHaveProperty('identities');

    const minimal = await client.signIn({ scope: 'openid' });
    expect(Object.keys(await client.userinfo(minimal.tokens.access_token))).toEqual(['sub']);
  });

  it('returns organizations with urn:logto:scope:organizations', async () => {
    const { tokens } = await client.signIn({ scope: 'openid urn:logto:scope:organizations' });
    const userinfo = await client.userinfo(tokens.access_token);
    expect(userinfo.organizations).toEqual(['org-open-models']);
  });

  it('registers a new Logto user on a first Hugging Face sign-in, linked to that identity', async () => {
    const { tokens } = await client.signIn({}, 'bob-hf');
    const userinfo = await client.userinfo(tokens.access_token);
    expect(userinfo.sub).toMatch(/^[a-z0-9]{12}$/);
    expect(userinfo.name).toBe('Bob Martin');
    // Bob's Hugging Face account shares no email, so neither does his Logto user.
    expect(userinfo.email).toBeNull();
    const identity = (userinfo.identities as Record<string, { userId: string; details: { rawData: object } }>)
      .huggingface;
    expect(identity?.userId).toBe('65b2e1d3f5c1b2c3d4e5f607');
    expect(identity?.details.rawData).toMatchObject({ preferred_username: 'bob-hf', isPro: false, orgs: [] });

    // Signing in again finds the same user.
    const again = await client.signIn({}, 'bob-hf');
    expect((await client.userinfo(again.tokens.access_token)).sub).toBe(userinfo.sub);
  });

  it('refuses a revoked or unknown access token', async () => {
    await expect(client.userinfo('not-a-token')).rejects.toMatchObject({ status: 401 });
  });
});

/**
 * Alice's claims as Hugging Face's userinfo gives them (her organizations aside), for the emulator's
 * seeded alice-hf: what the upstream answers, and what Logto keeps as the identity's rawData.
 * Written out rather than read from the seed, so that a test fails when the emulator drifts.
 */
export const aliceAtHuggingFace = {
  sub: '65a1f0c2e4b0a1b2c3d4e5f6',
  name: 'Alice Ng',
  preferred_username: 'alice-hf',
  profile: 'https://huggingface.co/alice-hf',
  picture: 'https://cdn-avatars.huggingface.co/alice.png',
  email: 'alice@example.com',
  email_verified: true,
  isPro: true,
} as const;

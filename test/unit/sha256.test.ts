import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { sha256Hex } from '../../src/io/sha256.js';

/** sha256Hex (@noble/hashes, kept off node:crypto for start-up) names keychain items and checks chunks: it must be SHA-256 exactly. */
describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('the FIPS 180-2 vector %j', (text, digest) => {
    expect(sha256Hex(text)).toBe(digest);
  });

  it.each(['/home/alice/.config/hflogin', 'สมชาย ใจดี — é, 🤗', 'x'.repeat(1_200), 'y'.repeat(9_001)])(
    'agrees with node:crypto on %#',
    (text) => {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    },
  );
});

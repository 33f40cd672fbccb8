import { describe, expect, it } from 'vitest';

import { redact } from '../../src/io/debug.js';
import { expectRefused } from '../helpers/hostile.js';
import { displayName, huggingFaceIdentity, userSummary } from '../../src/logto/profile.js';

describe('Logto userinfo → hflogin profile', () => {
  const userinfo = {
    sub: 'u1',
    name: 'Alice Ng',
    username: null,
    email: 'alice@example.com',
    picture: 'https://a/p.png',
    identities: {
      huggingface: {
        userId: 'hf1',
        details: {
          id: 'hf1',
          name: 'Alice Ng',
          avatar: 'https://a/hf.png',
          email: 'alice@example.com',
          rawData: { sub: 'hf1', preferred_username: 'alice-hf', isPro: true },
        },
      },
    },
  };

  it('takes the Hugging Face username from rawData.preferred_username', () => {
    expect(huggingFaceIdentity(userinfo)).toEqual({
      id: 'hf1',
      username: 'alice-hf',
      name: 'Alice Ng',
      email: 'alice@example.com',
      avatarUrl: 'https://a/hf.png',
    });
  });

  it('is null without a Hugging Face identity', () => {
    expect(huggingFaceIdentity({ sub: 'u2', identities: {} })).toBeNull();
    expect(huggingFaceIdentity({ sub: 'u2' })).toBeNull();
  });

  it('names a person by name, else username, else email, else id', () => {
    expect(displayName(userSummary(userinfo))).toBe('Alice Ng');
    expect(displayName(userSummary({ sub: 'u3', username: 'lee' }))).toBe('lee');
    expect(displayName(userSummary({ sub: 'u4', email: 'x@y.z' }))).toBe('x@y.z');
    expect(displayName(userSummary({ sub: 'u5' }))).toBe('u5');
  });
});

describe('--debug redaction', () => {
  it('removes JWTs, long opaque tokens and secret query parameters', () => {
    const jwt = 'eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl';
    const line = `got ${jwt} and Xq3t5lQ0uVYp8v9LxZ2m1NnB7cD4eF6gH8iJ0kL and https://h/cb?code=abc&state=def&iss=x`;
    const out = redact(line);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('Xq3t5lQ0uVYp8v9LxZ2m1NnB7cD4eF6gH8iJ0kL');
    expect(out).toContain('code=[redacted]&state=[redacted]&iss=x');
    expect(redact('short secret value', ['secret value'])).toBe('short [redacted]');
  });

  // A proxy URL's password, wherever it lands in a debug line or an error's cause.
  it.each([
    ['http://user:s3cr3t@proxy:3128', 'http://user:***@proxy:3128'],
    ['cause: connect via user:s3cr3t@proxy:3128 failed', 'cause: connect via user:***@proxy:3128 failed'],
    ['HTTPS_PROXY=http://user:s3c@r3t@proxy:3128/', 'HTTPS_PROXY=http://user:***@proxy:3128/'],
    ['"https://s3cr3t@proxy:8443"', '"https://***@proxy:8443"'],
    ['socks5://u:s3cr3t@h:1080 and http://v:s3cr3t@k', 'socks5://u:***@h:1080 and http://v:***@k'],
  ])('redacts the userinfo password in %j', (line, redacted) => {
    expect(redact(line)).toBe(redacted);
    expectRefused(`proxy password in a debug line: ${line}`, !redact(line).includes('s3cr3t'));
  });

  it('leaves URLs without credentials alone', () => {
    for (const line of [
      'https://tenant.logto.app/oidc/auth?x=1',
      'at file:///a/b.js:10:3',
      'node:internal/x:1:2',
    ])
      expect(redact(line)).toBe(line);
  });
});

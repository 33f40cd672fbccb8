import { defineConfig } from 'vitest/config';

/**
 * `npm run test:logto` (scripts/test-logto.mjs): the acceptance tier against the real Logto stack.
 * One file at a time: every file talks to the same Logto, and some count what reached it in its
 * audit log, which another file's requests would disturb.
 */
export default defineConfig({
  test: {
    include: ['test/logto/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    expect: { requireAssertions: true },
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real-Logto tier runs on its own: npm run test:logto (vitest.logto.config.ts).
    exclude: ['test/logto/**', '**/node_modules/**'],
    // Browser and emulator tests start real processes; two cores, so two files at a time.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Fails a test that asserts nothing (a test that asserts nothing is a defect).
    expect: { requireAssertions: true },
  },
});

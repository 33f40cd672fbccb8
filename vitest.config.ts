import { defineConfig } from 'vitest/config';

/**
 * Three tiers (scripts/test.mjs runs them one after another, each with `--project`):
 * - in-process: test/unit and test/inprocess. Nothing spawned, no system piece: commands run through
 *   main(argv, fakeDeps()) against the in-process emulator. Runs with coverage of src/.
 * - conformance: the emulator's own tests (test/conformance).
 * - e2e: the built binary as a user runs it, with Chromium, gnome-keyring, tmux (test/e2e).
 * The real-Logto tier runs on its own: npm run test:logto (vitest.logto.config.ts).
 */
export default defineConfig({
  test: {
    exclude: ['test/logto/**', '**/node_modules/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Fails a test that asserts nothing (a test that asserts nothing is a defect).
    expect: { requireAssertions: true },
    projects: [
      {
        extends: true,
        test: {
          name: 'in-process',
          include: ['test/unit/**/*.test.ts', 'test/inprocess/**/*.test.ts'],
          // Its files mostly wait (on timers, on the emulator), so more files than cores at a time.
          maxWorkers: 4,
        },
      },
      // Browser and emulator tests start real processes; two cores, so two files at a time.
      {
        extends: true,
        test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'], maxWorkers: 2 },
      },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], maxWorkers: 2 } },
    ],
    coverage: {
      provider: 'v8',
      include: ['src/**'],
      reporter: ['text-summary', 'json-summary'],
    },
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // two test files at a time: most of a file's time is spent waiting on a browser, a server or PostgreSQL,
    // so on a 2-core machine a second worker nearly halves the suite (vitest's default is cores − 1)
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});

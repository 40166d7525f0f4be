import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships both index.mjs and index.js; Node resolves the CommonJS
    // one for every package, so make Vite do the same, or schema objects built
    // by Pothos would come from "another realm".
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Files are isolated by database and Redis prefix, so they can run in parallel.
    fileParallelism: true,
    maxWorkers: 3,
  },
});

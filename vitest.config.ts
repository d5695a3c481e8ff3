import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Two cores: e2e files start a server and a browser each; run files one at a time there.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});

import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `development` export condition.
const conditions = ['development', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'experiments/*/*.test.ts', 'src/**/*.test.ts'],
    // `scratch/` folders hold one-off probes (git-excluded): a local run skips them as CI's clean clone, which has none, does.
    exclude: ['**/node_modules/**', '**/dist/**', '**/scratch/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for a condition; its default of 1 s was the whole margin of the browser tests' polls, which took
    // up to 1.2 s (one last try after the deadline) with both cores busy. A poll that holds returns as soon as it does.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    maxWorkers: 2,
  },
});

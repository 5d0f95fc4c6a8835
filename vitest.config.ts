import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          // Unit tests run in parallel on 2 cores next to other work: a loaded machine, not a
          // hang, is what makes a real-socket test take more than vitest's default 5 s.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          // The built CLI run as a process, with no engine needed.
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'docker',
          include: ['test/docker/**/*.test.ts'],
          environment: 'node',
          // One engine, one sandbox at a time: Docker tests run serially.
          fileParallelism: false,
          sequence: { concurrent: false },
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});

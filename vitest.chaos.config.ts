import { defineConfig } from 'vitest/config';

// `npm run chaos`: the chaos suite (test/chaos/*.chaos.ts), one file at a time so its figures are not disturbed by
// other tests; its fast cousins (hostile input, health, breaker, bridge) run in `npm test`.
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

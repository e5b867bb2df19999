// Vitest runs the bridge, dev org, package-check and browser tests; the LWC unit tests run on
// Salesforce's own runner (sfdx-lwc-jest), so force-app is excluded here.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules/**', 'force-app/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});

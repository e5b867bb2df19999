// Vitest runs the bridge, dev org, package-check and browser tests; the LWC unit tests run on
// Salesforce's own runner (sfdx-lwc-jest), so force-app is excluded here.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const LWC_DIR = fileURLToPath(new URL('./force-app/main/default/lwc/', import.meta.url));

export default defineConfig({
  resolve: {
    // test/contract.test.ts imports template-less LWC modules (chatSocket), which import each other
    // as `c/<folder>`: resolve that as the platform and the preview build do (no namespace folder).
    alias: [{ find: /^c\/(\w+)$/, replacement: `${LWC_DIR}$1/$1.js` }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules/**', 'force-app/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});

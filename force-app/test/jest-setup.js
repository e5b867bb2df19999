/**
 * Jest setup for the LWC tests (setupFilesAfterEnv in jest.config.cjs, after sfdx-lwc-jest's own):
 * registers @sa11y/jest's `toBeAccessible()` matcher (axe-core with Salesforce's rule preset), so
 * every component test can assert `await expect(element).toBeAccessible()` as lwc-recipes does.
 */
import { registerSa11yMatcher } from '@sa11y/jest';

registerSa11yMatcher();

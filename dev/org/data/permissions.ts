/**
 * Custom permissions as an org with this package grants them: which permission set carries which
 * custom permission (what force-app/main/default/permissionsets/*.permissionset-meta.xml deploy;
 * test/dev/org/audit-controller.test.ts checks this table against those files), and
 * `FeatureManagement.checkPermission(apiName)` over a user's permission set assignments. Profiles
 * grant no custom permission in the dev org (a Standard User profile has none of this package's).
 */
import type { OrgRecords } from './records.js';

/** Permission set API name → the custom permissions it enables. */
export const PERMISSION_SET_CUSTOM_PERMISSIONS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Chat_User: [],
  Chat_Bridge_Integration: [],
  Chat_Bypass_Events: ['Chat_Bypass_Events'],
  Chat_Auditor: ['Chat_Audit'],
});

/**
 * `FeatureManagement.checkPermission(customPermission)` for `userId`: true when one of the user's
 * permission sets enables that custom permission (API names compare case-insensitively, as in Apex).
 */
export function checkPermission(records: OrgRecords, userId: string, customPermission: string): boolean {
  const wanted = customPermission.toLowerCase();
  return records
    .permissionSetsOf(userId)
    .some((set) => (PERMISSION_SET_CUSTOM_PERMISSIONS[set] ?? []).some((permission) => permission.toLowerCase() === wanted));
}

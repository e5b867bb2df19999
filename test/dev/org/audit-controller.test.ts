/**
 * ChatAuditController over HTTP (`POST /dev/apex/ChatAuditController/getAuditConnection`), as the
 * preview's chatAudit calls it, against the Apex it mirrors: the same refusal text, permission and
 * scope names (read from ChatAuditController.cls / ChatBridgeTokenService.cls), the same
 * AuditConnection fields, and the custom permissions each permission set grants (read from
 * force-app's permission sets). The admin token is one the bridge's verifier accepts, with
 * `scope: chat:audit`; a chat token never has a scope.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_AUDIENCE } from '../../../bridge/events/contract.js';
import { createTokenVerifier } from '../../../bridge/gateway/token.js';
import type { DevOrg, SampleUser } from '../../../dev/org/index.js';
import { AUDIT_PERMISSION, AUDIT_REFUSED, AUDIT_SCOPE } from '../../../dev/org/data/chat-audit-controller.js';
import { PERMISSION_SET_CUSTOM_PERMISSIONS } from '../../../dev/org/data/permissions.js';
import { apexMembers, apexStringConstants, metaPath, parseApexFile, readXml, walk } from '../../force-app/support/force-app.js';
import { startTestOrg } from './helpers.js';

const auditApex = parseApexFile(metaPath('classes', 'ChatAuditController.cls'));
const TOKEN_SECRET = 'audit-test-secret-audit-test-secret!';

let org: DevOrg;
let ana: SampleUser;
let maya: SampleUser;

beforeAll(async () => {
  org = await startTestOrg();
  const byName = (first: string) => org.data.users().find((u) => u.FirstName === first)!;
  [ana, maya] = [byName('Ana'), byName('Maya')];
});

afterAll(async () => {
  await org.close();
});

async function call(apexClass: string, method: string, user: SampleUser) {
  const response = await fetch(`${org.url}/dev/apex/${apexClass}/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${org.data.sessionFor(user.Id)}` },
    body: '{}',
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the mirror agrees with the Apex', () => {
  it('has the refusal, the permission and the scope of ChatAuditController / ChatBridgeTokenService', () => {
    const constants = apexStringConstants(auditApex);
    expect(constants.get('AUDIT_PERMISSION')).toBe(AUDIT_PERMISSION);
    expect(constants.get('AUDIT_REFUSED')).toBe(AUDIT_REFUSED);
    expect(apexStringConstants(parseApexFile(metaPath('classes', 'ChatBridgeTokenService.cls'))).get('AUDIT_SCOPE')).toBe(AUDIT_SCOPE);
  });

  it('grants the custom permissions force-app\'s permission sets grant', () => {
    const deployed = Object.fromEntries(
      walk(metaPath('permissionsets')).map((file) => {
        const set = readXml(file).PermissionSet;
        const name = file.split('/').pop()!.replace('.permissionset-meta.xml', '');
        return [name, ((set.customPermissions ?? []) as Array<{ name: string; enabled: string }>).filter((p) => p.enabled === 'true').map((p) => p.name)];
      }),
    );
    expect(PERMISSION_SET_CUSTOM_PERMISSIONS).toEqual(deployed);
  });
});

describe('getAuditConnection', () => {
  it('gives the auditor the bridge URL and an admin token the bridge verifies, with scope chat:audit', async () => {
    org.setBridge({ url: 'http://127.0.0.1:4998', tokenSecret: TOKEN_SECRET, audience: DEFAULT_TOKEN_AUDIENCE });
    const verify = createTokenVerifier({ secret: TOKEN_SECRET, audience: DEFAULT_TOKEN_AUDIENCE, orgId: () => org.orgId });

    const answer = await call('ChatAuditController', 'getAuditConnection', maya);

    const members = apexMembers(auditApex);
    const start = members.findIndex((m) => m.kind === 'class' && m.name === 'AuditConnection');
    const fields = members.slice(start + 1).filter((m) => m.kind === 'field' && m.modifiers.includes('@auraenabled')).map((m) => m.name);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual([...fields].sort());
    expect(answer.body.bridgeUrl).toBe('http://127.0.0.1:4998');
    const token = answer.body.token as string;
    await expect(verify(token)).resolves.toMatchObject({ userId: maya.Id, name: 'Maya Patel', orgId: org.orgId });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: maya.Id, scope: 'chat:audit', aud: DEFAULT_TOKEN_AUDIENCE });
    expect(Date.parse(answer.body.expiresAt as string)).toBe(claims.exp! * 1000);
  });

  it('refuses a user without Chat_Audit with the Apex message', async () => {
    const answer = await call('ChatAuditController', 'getAuditConnection', ana);

    expect(answer).toEqual({ status: 400, body: { message: AUDIT_REFUSED, exceptionType: 'System.AuraHandledException' } });
  });

  it('never puts a scope into the chat token, even the auditor\'s', async () => {
    const answer = await call('ChatController', 'getBridgeConnection', maya);

    expect(answer.status).toBe(200);
    expect(decodeJwt(answer.body.token as string)).not.toHaveProperty('scope');
  });

  it('answers 404 for a class the org does not have', async () => {
    const answer = await call('NoSuchController', 'getAuditConnection', maya);

    expect(answer.status).toBe(404);
    expect(answer.body.message).toContain('NoSuchController');
  });
});

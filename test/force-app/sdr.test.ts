/**
 * Converts force-app to Metadata API format offline with @salesforce/source-deploy-retrieve
 * (ComponentSet.fromSource + MetadataConverter), the same conversion `sf project deploy` does.
 * SDR silently drops what it cannot resolve (a class without -meta.xml, for one), so the expected
 * components are counted from the source files independently and compared with what SDR produced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { FORCE_APP, metaPath, readXml, walk } from './support/force-app.js';
import { CHAT_EVENT_FIELDS } from '../../bridge/events/contract.js';

let outDir: string;
let componentSet: ComponentSet;
const converted = new Map<string, string[]>();

function countFiles(folder: string, suffix: string): number {
  return walk(metaPath(folder)).filter((f) => f.endsWith(suffix)).length;
}

function expectedCounts(): Record<string, number> {
  const objectsDir = metaPath('objects');
  const objects = readdirSync(objectsDir).filter((name) => existsSync(join(objectsDir, name, `${name}.object-meta.xml`)));
  const lwcDir = metaPath('lwc');
  return {
    ApexClass: countFiles('classes', '.cls'),
    ApexTrigger: countFiles('triggers', '.trigger'),
    LightningComponentBundle: readdirSync(lwcDir).filter((d) => statSync(join(lwcDir, d)).isDirectory()).length,
    StaticResource: countFiles('staticresources', '.resource-meta.xml'),
    PermissionSet: countFiles('permissionsets', '.permissionset-meta.xml'),
    CustomPermission: countFiles('customPermissions', '.customPermission-meta.xml'),
    CspTrustedSite: countFiles('cspTrustedSites', '.cspTrustedSite-meta.xml'),
    CustomMetadata: countFiles('customMetadata', '.md-meta.xml'),
    CustomApplication: countFiles('applications', '.app-meta.xml'),
    CustomTab: countFiles('tabs', '.tab-meta.xml'),
    FlexiPage: countFiles('flexipages', '.flexipage-meta.xml'),
    CustomObject: objects.length,
    CustomField: countFiles('objects', '.field-meta.xml'),
    SharingReason: countFiles('objects', '.sharingReason-meta.xml'),
    SharingRules: countFiles('sharingRules', '.sharingRules-meta.xml'),
    // children of SharingRules: one per <sharingCriteriaRules> in the rule files
    SharingCriteriaRule: walk(metaPath('sharingRules')).reduce((n, f) => n + (readFileSync(f, 'utf8').match(/<sharingCriteriaRules>/g) ?? []).length, 0),
  };
}

beforeAll(async () => {
  componentSet = ComponentSet.fromSource(FORCE_APP);
  outDir = mkdtempSync(join(tmpdir(), 'sf-chat-bridge-mdapi-'));
  await new MetadataConverter().convert(componentSet, 'metadata', { type: 'directory', outputDirectory: outDir, genUniqueDir: false });
  const pkg = readXml(join(outDir, 'package.xml')).Package;
  for (const type of pkg.types) {
    converted.set(type.name, type.members);
  }
}, 60_000);

afterAll(() => {
  if (outDir) {
    rmSync(outDir, { recursive: true, force: true });
  }
});

describe('source-deploy-retrieve conversion', () => {
  it('resolves every component the source files describe (nothing silently dropped)', () => {
    const actual: Record<string, number> = {};
    for (const component of componentSet.getSourceComponents()) {
      actual[component.type.name] = (actual[component.type.name] ?? 0) + 1;
      for (const child of component.getChildren()) {
        actual[child.type.name] = (actual[child.type.name] ?? 0) + 1;
      }
    }
    expect(actual).toEqual(expectedCounts());
  });

  it('writes a package.xml naming the components the chat needs', () => {
    expect(converted.get('ApexClass')).toEqual(expect.arrayContaining(['ChatController', 'ChatEventPublisher', 'ChatBridgeTokenService', 'ChatAuditController']));
    expect(converted.get('ApexTrigger')).toEqual(['ChatMessageTrigger', 'ChatRoomMemberTrigger', 'ChatUserTrigger']);
    expect(converted.get('CustomObject')).toEqual(expect.arrayContaining(['Chat_Message__c', 'Chat_Event__e', 'Chat_Bridge_Setting__mdt']));
    expect(converted.get('CustomField')).toEqual(expect.arrayContaining(['Chat_Event__e.Type__c', 'Chat_Message__c.Content__c', 'User.Chat_Active__c']));
    expect(converted.get('LightningComponentBundle')).toEqual(['chatAudit', 'chatAuditApi', 'chatAuditChart', 'chatComposer', 'chatErrors', 'chatEventTypes', 'chatMessageList', 'chatParticipants', 'chatRoomForm', 'chatRoomList', 'chatRooms', 'chatSocket', 'websocketChat']);
    expect(converted.get('StaticResource')).toEqual(['chatScenarios', 'socketiojs']);
    expect(converted.get('PermissionSet')).toEqual(['Chat_Auditor', 'Chat_Bridge_Integration', 'Chat_Bypass_Events', 'Chat_User']);
    expect(converted.get('CustomPermission')).toEqual(['Chat_Audit', 'Chat_Bypass_Events']);
    expect(converted.get('CustomApplication')).toEqual(['Chat_Admin']);
    expect(converted.get('CustomTab')).toEqual(['Chat_Audit']);
    expect(converted.get('FlexiPage')).toEqual(['Chat_Audit']);
    expect(converted.get('CustomMetadata')).toEqual(['Chat_Bridge_Setting.Default']);
    expect(converted.get('CspTrustedSite')).toEqual(['Chat_Bridge_HTTPS', 'Chat_Bridge_WSS']);
    // No CORS entry: the bridge calls Salesforce server to server, so nothing here widens CORS.
    expect(converted.has('CorsWhitelistOrigin')).toBe(false);
  });

  it('folds the event fields into the converted Chat_Event__e object', () => {
    const object = readXml(join(outDir, 'objects', 'Chat_Event__e.object')).CustomObject;
    expect(object.publishBehavior).toBe('PublishAfterCommit');
    expect(object.fields.map((f: { fullName: string }) => f.fullName).sort()).toEqual(Object.values(CHAT_EVENT_FIELDS).sort());
  });

  it('copies code byte for byte and leaves tests and mocks out', () => {
    for (const [converted, source] of [
      [join('classes', 'ChatController.cls'), join('classes', 'ChatController.cls')],
      [join('staticresources', 'socketiojs.resource'), join('staticresources', 'socketiojs.resource')],
      // a .json source ships as .resource, the bytes ChatScenarios_Tests reads as its Body
      [join('staticresources', 'chatScenarios.resource'), join('staticresources', 'chatScenarios.json')],
    ]) {
      expect(readFileSync(join(outDir, converted)).equals(readFileSync(metaPath(source))), converted).toBe(true);
    }
    const files = walk(outDir, []);
    expect(files.filter((f) => f.includes('__tests__') || f.includes('jest-mocks'))).toEqual([]);
  });
});

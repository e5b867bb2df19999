/**
 * Metadata checks source-deploy-retrieve does not do: every XML file is well-formed; every class,
 * trigger, static resource and LWC bundle has its -meta.xml (and no meta file is orphaned);
 * apiVersion matches sfdx-project.json; and the data model, permission sets and bridge settings are
 * what the issue asks for (field types and lengths, Publish After Commit, grants, one bridge URL in
 * every place it appears).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { apexStringConstants, DEFAULT_DIR, FORCE_APP, metaPath, parseApexFile, read, readXml, ROOT, sourceApiVersion, walk, xmlProblem } from './support/force-app.js';

const apiVersion = sourceApiVersion();
const rel = (file: string) => relative(ROOT, file);

describe('XML and companions', () => {
  const xmlFiles = walk(FORCE_APP, ['node_modules']).filter((f) => f.endsWith('.xml'));

  it('finds the metadata', () => {
    expect(xmlFiles.length).toBeGreaterThan(30);
  });

  it('every XML file is well-formed', () => {
    const problems = xmlFiles.map((f) => [rel(f), xmlProblem(read(f))]).filter(([, p]) => p !== null);
    expect(problems).toEqual([]);
  });

  it('sfdx-project.json declares a sourceApiVersion', () => {
    expect(apiVersion).toMatch(/^\d{2}\.0$/);
  });

  for (const [folder, suffix, rootTag] of [
    ['classes', '.cls', 'ApexClass'],
    ['triggers', '.trigger', 'ApexTrigger'],
  ] as const) {
    it(`every ${suffix} has a ${suffix}-meta.xml with apiVersion ${apiVersion}, and vice versa`, () => {
      const files = walk(metaPath(folder));
      const sources = files.filter((f) => f.endsWith(suffix));
      const metas = files.filter((f) => f.endsWith(`${suffix}-meta.xml`));
      expect(sources.length).toBeGreaterThan(0);
      expect(sources.filter((f) => !existsSync(`${f}-meta.xml`)).map(rel), 'source without -meta.xml').toEqual([]);
      expect(metas.filter((m) => !existsSync(m.replace(/-meta\.xml$/, ''))).map(rel), '-meta.xml without source').toEqual([]);
      const stray = files.filter((f) => !f.endsWith(suffix) && !f.endsWith(`${suffix}-meta.xml`));
      expect(stray.map(rel), `files in ${folder}/ that are neither ${suffix} nor its meta`).toEqual([]);
      for (const meta of metas) {
        const xml = readXml(meta)[rootTag];
        expect(xml, `${rel(meta)} root element ${rootTag}`).toBeDefined();
        expect(xml.apiVersion, `${rel(meta)} apiVersion`).toBe(apiVersion);
        expect(xml.status, `${rel(meta)} status`).toBe('Active');
      }
    });
  }

  it('every static resource has a -meta.xml with a content type, and vice versa', () => {
    const files = walk(metaPath('staticresources'));
    const metas = files.filter((f) => f.endsWith('.resource-meta.xml'));
    const contents = files.filter((f) => !f.endsWith('-meta.xml'));
    expect(contents.length).toBeGreaterThan(0);
    for (const content of contents) {
      const name = basename(content).replace(/\.[^.]+$/, '');
      expect(existsSync(join(metaPath('staticresources'), `${name}.resource-meta.xml`)), `${rel(content)} has a -meta.xml`).toBe(true);
    }
    for (const meta of metas) {
      const name = basename(meta, '.resource-meta.xml');
      expect(contents.some((c) => basename(c).replace(/\.[^.]+$/, '') === name), `${rel(meta)} has content`).toBe(true);
      expect(readXml(meta).StaticResource.contentType, `${rel(meta)} contentType`).toBeTruthy();
    }
  });

  it(`every LWC bundle has <name>.js and <name>.js-meta.xml with apiVersion ${apiVersion}`, () => {
    const lwcDir = metaPath('lwc');
    const bundles = readdirSync(lwcDir).filter((d) => statSync(join(lwcDir, d)).isDirectory());
    expect(bundles).toEqual(expect.arrayContaining(['websocketChat', 'chatSocket', 'chatErrors']));
    for (const bundle of bundles) {
      const js = join(lwcDir, bundle, `${bundle}.js`);
      const meta = join(lwcDir, bundle, `${bundle}.js-meta.xml`);
      expect(existsSync(js), `${rel(js)} exists`).toBe(true);
      expect(existsSync(meta), `${rel(meta)} exists`).toBe(true);
      expect(readXml(meta).LightningComponentBundle.apiVersion, `${rel(meta)} apiVersion`).toBe(apiVersion);
    }
  });
});

/** A custom field's XML definition, parsed. */
const field = (object: string, name: string) => readXml(metaPath('objects', object, 'fields', `${name}.field-meta.xml`)).CustomField;

describe('data model', () => {

  it('Chat_Message__c.Content__c is a long text area of 32,768 characters', () => {
    const content = field('Chat_Message__c', 'Content__c');
    expect(content.type).toBe('LongTextArea');
    expect(content.length).toBe('32768');
  });

  it('Chat_Message__c.User__c is a lookup to User', () => {
    const user = field('Chat_Message__c', 'User__c');
    expect(user.type).toBe('Lookup');
    expect(user.referenceTo).toBe('User');
  });

  it('the controller limit equals the field length', () => {
    const constants = parseApexFile(metaPath('classes', 'ChatController.cls'));
    const match = /MAX_CONTENT_LENGTH\s*=\s*(\d+)/.exec(constants.source);
    expect(match?.[1]).toBe(field('Chat_Message__c', 'Content__c').length);
  });

  it('the composer (c/chatComposer) limits the draft to the field length', () => {
    const match = /MAX_CONTENT_LENGTH\s*=\s*(\d+)/.exec(read(metaPath('lwc', 'chatComposer', 'chatComposer.js')));
    expect(match?.[1]).toBe(field('Chat_Message__c', 'Content__c').length);
  });

  it('User.Chat_Active__c is a checkbox that defaults to false', () => {
    const active = field('User', 'Chat_Active__c');
    expect(active.type).toBe('Checkbox');
    expect(active.defaultValue).toBe('false');
  });

  it('Chat_Event__e publishes after commit', () => {
    const event = readXml(metaPath('objects', 'Chat_Event__e', 'Chat_Event__e.object-meta.xml')).CustomObject;
    expect(event.publishBehavior).toBe('PublishAfterCommit');
    expect(event.eventType).toBe('HighVolume');
  });

  it('Chat_Message__c has a name field, and its sharing is its room\'s (master-detail Room__c)', () => {
    const message = readXml(metaPath('objects', 'Chat_Message__c', 'Chat_Message__c.object-meta.xml')).CustomObject;
    expect(message.nameField.type).toBe('AutoNumber');
    expect(message.sharingModel).toBe('ControlledByParent');
    expect(field('Chat_Message__c', 'Room__c')).toMatchObject({ type: 'MasterDetail', referenceTo: 'Chat_Room__c', writeRequiresMasterRead: 'true' });
  });

  it('Chat_Room__c: private by default, a Type picklist Public / Private / Record, a unique 18-character Record_Id__c', () => {
    const room = readXml(metaPath('objects', 'Chat_Room__c', 'Chat_Room__c.object-meta.xml')).CustomObject;
    expect(room.sharingModel).toBe('Private');
    const type = field('Chat_Room__c', 'Type__c');
    expect(type).toMatchObject({ type: 'Picklist', required: 'true' });
    const values = [type.valueSet.valueSetDefinition.value].flat().map((v: { fullName: string }) => v.fullName);
    expect(values).toEqual(['Public', 'Private', 'Record']);
    expect(field('Chat_Room__c', 'Record_Id__c')).toMatchObject({ type: 'Text', length: '18', unique: 'true', caseSensitive: 'true' });
    expect(existsSync(metaPath('objects', 'Chat_Room__c', 'sharingReasons', 'Member__c.sharingReason-meta.xml'))).toBe(true);
  });

  it('public rooms are shared read-only with every internal user by a criteria rule on Type__c = Public', () => {
    const rule = readXml(metaPath('sharingRules', 'Chat_Room__c.sharingRules-meta.xml')).SharingRules.sharingCriteriaRules;
    expect(rule).toMatchObject({ accessLevel: 'Read', criteriaItems: { field: 'Type__c', operation: 'equals', value: 'Public' } });
    expect(rule.sharedTo).toHaveProperty('allInternalUsers');
  });

  it('Chat_Room_Member__c: detail of its room, a user, Present__c, Last_Read_At__c and a unique Member_Key__c', () => {
    const member = readXml(metaPath('objects', 'Chat_Room_Member__c', 'Chat_Room_Member__c.object-meta.xml')).CustomObject;
    expect(member.sharingModel).toBe('ControlledByParent');
    expect(field('Chat_Room_Member__c', 'Room__c')).toMatchObject({ type: 'MasterDetail', referenceTo: 'Chat_Room__c' });
    expect(field('Chat_Room_Member__c', 'User__c')).toMatchObject({ type: 'Lookup', referenceTo: 'User', required: 'true' });
    expect(field('Chat_Room_Member__c', 'Present__c')).toMatchObject({ type: 'Checkbox' });
    expect(field('Chat_Room_Member__c', 'Last_Read_At__c')).toMatchObject({ type: 'DateTime' });
    // room id + user id, 18 characters each
    expect(field('Chat_Room_Member__c', 'Member_Key__c')).toMatchObject({ type: 'Text', length: '36', unique: 'true' });
  });
});

describe('bridge settings (custom metadata)', () => {
  const record = readXml(metaPath('customMetadata', 'Chat_Bridge_Setting.Default.md-meta.xml')).CustomMetadata;
  const values = new Map<string, string>(record.values.map((v: { field: string; value: { '#text'?: string } | string }) => [v.field, typeof v.value === 'string' ? v.value : v.value['#text'] ?? '']));
  const typeFields = readdirSync(metaPath('objects', 'Chat_Bridge_Setting__mdt', 'fields')).map((f) => f.replace('.field-meta.xml', ''));

  it('has a Default record with bridge URL, certificate name and audience', () => {
    expect(values.get('Bridge_URL__c')).toMatch(/^https:\/\/[^/]+$/);
    expect(values.get('Certificate_Name__c')).toMatch(/^\w+$/);
    expect(values.get('Audience__c')).toBe('sf-chat-bridge');
  });

  it('every value of the record is a field of the type', () => {
    expect([...values.keys()].filter((f) => !typeFields.includes(f))).toEqual([]);
  });

  it('Apex reads the record by the name it has', () => {
    const constants = apexStringConstants(parseApexFile(metaPath('classes', 'ChatBridgeTokenService.cls')));
    expect(constants.get('SETTINGS_RECORD')).toBe(record.label);
  });
});

describe('one bridge URL everywhere', () => {
  it('the CSP Trusted Sites (https and wss) and the settings record name the same host', () => {
    const https = readXml(metaPath('cspTrustedSites', 'Chat_Bridge_HTTPS.cspTrustedSite-meta.xml')).CspTrustedSite;
    const wss = readXml(metaPath('cspTrustedSites', 'Chat_Bridge_WSS.cspTrustedSite-meta.xml')).CspTrustedSite;
    const settings = read(metaPath('customMetadata', 'Chat_Bridge_Setting.Default.md-meta.xml'));
    const bridgeUrl = /<field>Bridge_URL__c<\/field>\s*<value[^>]*>([^<]+)<\/value>/.exec(settings)?.[1];

    expect(bridgeUrl).toMatch(/^https:\/\//);
    const host = new URL(bridgeUrl!).host;
    expect(https.endpointUrl).toBe(`https://${host}`);
    expect(wss.endpointUrl).toBe(`wss://${host}`);
    for (const site of [https, wss]) {
      expect(site.isActive).toBe('true');
      expect(site.isApplicableToConnectSrc).toBe('true');
    }
  });

  it('ships no CORS allowlist entry (the bridge calls Salesforce server to server; no browser on its origin calls the REST API)', () => {
    expect(existsSync(metaPath('corsWhitelistOrigins'))).toBe(false);
  });
});

describe('permission sets', () => {
  const permset = (name: string) => readXml(metaPath('permissionsets', `${name}.permissionset-meta.xml`)).PermissionSet;
  const fieldExists = (qualified: string) => {
    const [object, name] = qualified.split('.');
    return existsSync(metaPath('objects', object, 'fields', `${name}.field-meta.xml`));
  };

  it('Chat_User can use ChatController and read/write chat data in user mode', () => {
    const user = permset('Chat_User');
    expect(user.classAccesses.map((c: { apexClass: string }) => c.apexClass)).toContain('ChatController');
    const messages = user.objectPermissions.find((o: { object: string }) => o.object === 'Chat_Message__c');
    expect(messages).toMatchObject({ allowCreate: 'true', allowRead: 'true', modifyAllRecords: 'false', viewAllRecords: 'false' });
    const fls = new Map<string, { readable: string; editable: string }>(user.fieldPermissions.map((f: { field: string; readable: string; editable: string }) => [f.field, f]));
    expect(fls.get('Chat_Message__c.Content__c')).toMatchObject({ readable: 'true', editable: 'true' });
    expect(fls.get('Chat_Message__c.User__c')).toMatchObject({ readable: 'true' });
    expect(fls.get('User.Chat_Active__c')).toMatchObject({ readable: 'true', editable: 'true' });
    expect(user.classAccesses.map((c: { apexClass: string }) => c.apexClass)).toContain('ChatRoomController');
    const objects = new Map<string, Record<string, string>>(user.objectPermissions.map((o: { object: string }) => [o.object, o]));
    expect(objects.get('Chat_Room__c')).toMatchObject({ allowCreate: 'true', allowRead: 'true', allowDelete: 'false', viewAllRecords: 'false' });
    expect(objects.get('Chat_Room_Member__c')).toMatchObject({ allowCreate: 'true', allowRead: 'true', allowEdit: 'true', allowDelete: 'true' });
    expect(fls.get('Chat_Room_Member__c.Present__c')).toMatchObject({ readable: 'true', editable: 'true' });
    expect(fls.get('Chat_Room_Member__c.Last_Read_At__c')).toMatchObject({ readable: 'true', editable: 'true' });
    // set by the trigger and the service, never by the user
    expect(fls.get('Chat_Room_Member__c.Member_Key__c')).toMatchObject({ readable: 'true', editable: 'false' });
    expect(fls.get('Chat_Room__c.Record_Id__c')).toMatchObject({ readable: 'true', editable: 'false' });
  });

  it('no permission set names a required or master-detail field (Salesforce refuses field permissions on them)', () => {
    for (const file of walk(metaPath('permissionsets'))) {
      for (const fls of readXml(file).PermissionSet.fieldPermissions ?? []) {
        const [object, name] = (fls.field as string).split('.');
        const definition = field(object, name);
        expect(definition.type === 'MasterDetail' || definition.required === 'true', `${basename(file)}: ${fls.field}`).toBe(false);
      }
    }
  });

  it('Chat_Bridge_Integration has what a CometD subscriber needs and nothing more', () => {
    const bridge = permset('Chat_Bridge_Integration');
    expect(bridge.userPermissions.map((p: { name: string }) => p.name)).toEqual(['ApiEnabled']);
    expect(bridge.objectPermissions).toEqual([
      expect.objectContaining({ object: 'Chat_Event__e', allowRead: 'true', allowCreate: 'false', allowEdit: 'false', allowDelete: 'false' }),
    ]);
    expect(bridge.classAccesses ?? []).toEqual([]);
  });

  it('Chat_Bypass_Events grants the custom permission the service checks', () => {
    const bypass = permset('Chat_Bypass_Events');
    const constants = apexStringConstants(parseApexFile(metaPath('classes', 'ChatEventService.cls')));
    const permission = constants.get('BYPASS_PERMISSION');
    expect(permission).toBeDefined();
    expect(existsSync(metaPath('customPermissions', `${permission}.customPermission-meta.xml`))).toBe(true);
    expect(bypass.customPermissions).toEqual([{ enabled: 'true', name: permission }]);
  });

  it('Chat_Auditor grants the permission ChatAuditController checks, the class, the app and its tab, and read-only messages', () => {
    const auditor = permset('Chat_Auditor');
    const permission = apexStringConstants(parseApexFile(metaPath('classes', 'ChatAuditController.cls'))).get('AUDIT_PERMISSION');
    expect(permission).toBe('Chat_Audit');
    expect(existsSync(metaPath('customPermissions', `${permission}.customPermission-meta.xml`))).toBe(true);
    expect(auditor.customPermissions).toEqual([{ enabled: 'true', name: permission }]);
    expect(auditor.classAccesses).toEqual([{ apexClass: 'ChatAuditController', enabled: 'true' }]);
    expect(auditor.applicationVisibilities).toEqual([{ application: 'Chat_Admin', visible: 'true' }]);
    expect(auditor.tabSettings).toEqual([{ tab: 'Chat_Audit', visibility: 'Visible' }]);
    expect(auditor.objectPermissions).toEqual([
      expect.objectContaining({ object: 'Chat_Message__c', allowRead: 'true', allowCreate: 'false', allowEdit: 'false', allowDelete: 'false' }),
      expect.objectContaining({ object: 'Chat_Room__c', allowRead: 'true', allowCreate: 'false', allowEdit: 'false', allowDelete: 'false' }),
    ]);
    // Nobody else holds the audit permission: the chat's own permission sets never grant it.
    for (const other of ['Chat_User', 'Chat_Bridge_Integration', 'Chat_Bypass_Events']) {
      expect(JSON.stringify(permset(other).customPermissions ?? []), other).not.toContain(permission);
    }
  });

  it('every app, tab and custom permission a permission set names exists', () => {
    for (const file of walk(metaPath('permissionsets'))) {
      const set = readXml(file).PermissionSet;
      for (const app of (set.applicationVisibilities ?? []) as { application: string }[]) {
        expect(existsSync(metaPath('applications', `${app.application}.app-meta.xml`)), `${basename(file)}: app ${app.application}`).toBe(true);
      }
      for (const tab of (set.tabSettings ?? []) as { tab: string }[]) {
        expect(existsSync(metaPath('tabs', `${tab.tab}.tab-meta.xml`)), `${basename(file)}: tab ${tab.tab}`).toBe(true);
      }
      for (const custom of (set.customPermissions ?? []) as { name: string }[]) {
        expect(existsSync(metaPath('customPermissions', `${custom.name}.customPermission-meta.xml`)), `${basename(file)}: permission ${custom.name}`).toBe(true);
      }
    }
  });

  it('every class and custom field a permission set names exists', () => {
    for (const file of walk(metaPath('permissionsets'))) {
      const set = readXml(file).PermissionSet;
      for (const access of set.classAccesses ?? []) {
        expect(existsSync(metaPath('classes', `${access.apexClass}.cls`)), `${basename(file)}: class ${access.apexClass}`).toBe(true);
      }
      for (const fls of set.fieldPermissions ?? []) {
        expect(fieldExists(fls.field), `${basename(file)}: field ${fls.field}`).toBe(true);
      }
      for (const object of set.objectPermissions ?? []) {
        expect(existsSync(metaPath('objects', object.object)), `${basename(file)}: object ${object.object}`).toBe(true);
      }
    }
  });
});

describe('websocketChat exposure', () => {
  const bundle = readXml(metaPath('lwc', 'websocketChat', 'websocketChat.js-meta.xml')).LightningComponentBundle;

  it('is exposed for App, Home and Record pages and Experience Builder', () => {
    expect(bundle.isExposed).toBe('true');
    expect(bundle.targets.target).toEqual(
      expect.arrayContaining(['lightning__AppPage', 'lightning__HomePage', 'lightning__RecordPage', 'lightningCommunity__Page', 'lightningCommunity__Default']),
    );
  });

  it('its builder properties are public properties of the component', () => {
    const js = read(metaPath('lwc', 'websocketChat', 'websocketChat.js'));
    for (const config of bundle.targetConfigs.targetConfig) {
      for (const property of config.property ?? []) {
        expect(js, `@api ${property['@_name']}`).toMatch(new RegExp(`@api\\s+${property['@_name']}\\b`));
      }
    }
  });

  it('the helper modules and child components are not exposed', () => {
    for (const helper of ['chatSocket', 'chatErrors', 'chatEventTypes', 'chatMessageList', 'chatParticipants', 'chatComposer', 'chatRooms', 'chatRoomList', 'chatRoomForm']) {
      expect(readXml(metaPath('lwc', helper, `${helper}.js-meta.xml`)).LightningComponentBundle.isExposed).toBe('false');
    }
  });
});

describe('the Chat Admin app', () => {
  const app = readXml(metaPath('applications', 'Chat_Admin.app-meta.xml')).CustomApplication;
  const tab = readXml(metaPath('tabs', 'Chat_Audit.tab-meta.xml')).CustomTab;
  const bundle = readXml(metaPath('lwc', 'chatAudit', 'chatAudit.js-meta.xml')).LightningComponentBundle;

  it('is a Lightning app whose tab opens the Lightning page holding chatAudit', () => {
    expect(app.label).toBe('Chat Admin');
    expect(app.uiType).toBe('Lightning');
    expect(app.tabs).toEqual(['Chat_Audit']);
    const page = readXml(metaPath('flexipages', `${tab.flexiPage}.flexipage-meta.xml`)).FlexiPage;
    expect(page.type).toBe('AppPage');
    expect(page.template.name).toBe('flexipage:defaultAppHomeTemplate');
    expect(page.flexiPageRegions.name).toBe('main');
    expect(page.flexiPageRegions.itemInstances.componentInstance.componentName).toBe('chatAudit');
  });

  it('chatAudit is exposed for app pages, tabs and Chat_Message__c record pages', () => {
    expect(bundle.isExposed).toBe('true');
    expect(bundle.targets.target).toEqual(['lightning__AppPage', 'lightning__Tab', 'lightning__RecordPage']);
    const recordConfig = bundle.targetConfigs.targetConfig.find((c: { '@_targets': string }) => c['@_targets'] === 'lightning__RecordPage');
    expect(recordConfig.objects.object).toBe('Chat_Message__c');
    const js = read(metaPath('lwc', 'chatAudit', 'chatAudit.js'));
    for (const config of bundle.targetConfigs.targetConfig) {
      for (const property of [config.property ?? []].flat()) {
        expect(js, `@api ${property['@_name']}`).toMatch(new RegExp(`@api\\s+${property['@_name']}\\b`));
      }
    }
    // A record page sets recordId on the component.
    expect(js).toMatch(/@api\s+get\s+recordId\(\)/);
  });

  it('its helper and chart are not exposed', () => {
    for (const helper of ['chatAuditApi', 'chatAuditChart']) {
      expect(readXml(metaPath('lwc', helper, `${helper}.js-meta.xml`)).LightningComponentBundle.isExposed).toBe('false');
    }
  });

  it('the bridge URL the admin API is fetched from is a CSP Trusted Site for connect-src', () => {
    // chatAudit fetches Bridge_URL__c itself (not a socket): the https entry must allow connect-src.
    const https = readXml(metaPath('cspTrustedSites', 'Chat_Bridge_HTTPS.cspTrustedSite-meta.xml')).CspTrustedSite;
    const settings = read(metaPath('customMetadata', 'Chat_Bridge_Setting.Default.md-meta.xml'));
    const bridgeUrl = /<field>Bridge_URL__c<\/field>\s*<value[^>]*>([^<]+)<\/value>/.exec(settings)?.[1];
    expect(https.endpointUrl).toBe(new URL(bridgeUrl!).origin);
    expect(https.isApplicableToConnectSrc).toBe('true');
  });
});

describe('project files', () => {
  it('the scratch org definition is valid JSON with an edition', () => {
    const def = JSON.parse(read(join(ROOT, 'config', 'project-scratch-def.json')));
    expect(def.edition).toBeTruthy();
  });

  it('.forceignore keeps LWC tests and jest mocks out of deployments', () => {
    const ignore = read(join(ROOT, '.forceignore'));
    expect(ignore).toMatch(/__tests__/);
    expect(ignore).toMatch(/force-app\/test/);
  });

  it('the package directory in sfdx-project.json is force-app', () => {
    const project = JSON.parse(read(join(ROOT, 'sfdx-project.json')));
    expect(project.packageDirectories.map((d: { path: string }) => d.path)).toEqual([relative(ROOT, FORCE_APP)]);
    expect(existsSync(DEFAULT_DIR)).toBe(true);
  });
});

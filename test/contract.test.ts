/**
 * The event contract, proven across every party that speaks it. force-app is the source of truth:
 * the XML metadata of Chat_Event__e and the Apex source are parsed (not trusted), then compared with
 * bridge/events/contract.ts, with the LWC (the socket events it listens to and emits, run against a
 * recording fake socket), and with the dev org (dev/org/**\/*.ts must not hard-code a
 * different __c/__e name or Type__c value; it should import them from contract.ts).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import * as contract from '../bridge/events/contract.js';
import { renderLwcTable, renderReadmeTable, SYNCED_FILES } from '../scripts/sync-contract.js';
import { TOKEN_REFUSAL_MESSAGES } from '../bridge/gateway/token.js';
import {
  apexCustomNames,
  apexMembers,
  apexStringConstants,
  apexStringLiterals,
  apexTokens,
  metaPath,
  parseApexFile,
  read,
  readXml,
  ROOT,
  walk,
} from './force-app/support/force-app.js';

const CONTRACT_FILE = join(ROOT, 'bridge', 'events', 'contract.ts');
// CONTRACT_DEV_ORG_DIR points the dev-org checks elsewhere (used to prove they fail on a bad file).
const DEV_ORG_DIR = process.env.CONTRACT_DEV_ORG_DIR ?? join(ROOT, 'dev', 'org');
const SOCKET_IO_RESERVED = new Set(['connect', 'disconnect', 'connect_error']);

// ---------- force-app, read from the metadata and the Apex source ----------

const objectsDir = metaPath('objects');
const platformEvents = readdirSync(objectsDir).filter((name) => name.endsWith('__e'));
const eventName = platformEvents[0];
const eventFieldsDir = join(objectsDir, eventName ?? '-', 'fields');
const eventFields = existsSync(eventFieldsDir)
  ? readdirSync(eventFieldsDir).map((file) => readXml(join(eventFieldsDir, file)).CustomField as { fullName: string; type: string; length: string; required: string })
  : [];
const eventFieldNames = eventFields.map((f) => f.fullName).sort();

const apexClasses = walk(metaPath('classes')).filter((f) => f.endsWith('.cls')).map(parseApexFile);
const isTestClass = (parse: ReturnType<typeof parseApexFile>) => apexMembers(parse)[0]?.modifiers.includes('@istest') ?? false;
const productionClasses = apexClasses.filter((p) => !isTestClass(p));
const byName = (name: string) => apexClasses.find((p) => p.file.endsWith(`/${name}.cls`))!;
const publisher = byName('ChatEventPublisher');
const publishCallback = byName('ChatEventPublishCallback');
const tokenService = byName('ChatBridgeTokenService');
/** Apex source without comments (tokens joined by spaces), so doc comments cannot satisfy a check. */
const code = (parse: ReturnType<typeof parseApexFile>) => apexTokens(parse.source).map((t) => t.text).join(' ');
const publisherTypes = [...apexStringConstants(publisher).entries()].filter(([name]) => name.startsWith('TYPE_'));

/** All custom API names force-app defines (objects and fields), for the dev-org check. */
const forceAppApiNames = new Set<string>(
  readdirSync(objectsDir).flatMap((object) => {
    const fieldsDir = join(objectsDir, object, 'fields');
    const fields = existsSync(fieldsDir) ? readdirSync(fieldsDir).map((f) => f.replace('.field-meta.xml', '')) : [];
    return [object, ...fields];
  }),
);

// ---------- contract.ts interfaces, read with the TypeScript compiler ----------

const contractSource = ts.createSourceFile(CONTRACT_FILE, read(CONTRACT_FILE), ts.ScriptTarget.Latest, true);

/** Property names of an interface in contract.ts, with whether each is optional. */
function interfaceMembers(name: string): { name: string; optional: boolean }[] {
  const declaration = contractSource.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
  if (!declaration) {
    throw new Error(`contract.ts has no interface ${name}`);
  }
  return declaration.members.map((member) => {
    const memberName = member.name;
    if (!memberName || !(ts.isIdentifier(memberName) || ts.isStringLiteral(memberName))) {
      throw new Error(`contract.ts ${name}: unsupported member name`);
    }
    return { name: memberName.text, optional: !!member.questionToken };
  });
}

const serverToClient = interfaceMembers('ServerToClientEvents').map((m) => m.name);
const clientToServer = interfaceMembers('ClientToServerEvents').map((m) => m.name);

// ---------- the tests ----------

describe('Chat_Event__e: force-app metadata ↔ contract.ts', () => {
  it('force-app defines exactly one platform event, the one the contract names', () => {
    expect(platformEvents).toEqual([contract.CHAT_EVENT_API_NAME]);
    expect(contract.DEFAULT_CHAT_EVENT_CHANNEL).toBe(`/event/${eventName}`);
  });

  it('the event publishes after commit', () => {
    const object = readXml(join(objectsDir, eventName, `${eventName}.object-meta.xml`)).CustomObject;
    expect(object.publishBehavior).toBe('PublishAfterCommit');
  });

  it('its custom fields are exactly the contract fields', () => {
    expect(eventFieldNames).toEqual(Object.values(contract.CHAT_EVENT_FIELDS).sort());
  });

  it('Type__c is required and long enough for every type; the id fields hold 18-character ids', () => {
    const field = (name: string) => eventFields.find((f) => f.fullName === name)!;
    const type = field(contract.CHAT_EVENT_FIELDS.type);
    expect(type.required).toBe('true');
    expect(Number(type.length)).toBeGreaterThanOrEqual(Math.max(...contract.CHAT_EVENT_TYPES.map((t) => t.length)));
    for (const id of [contract.CHAT_EVENT_FIELDS.recordId, contract.CHAT_EVENT_FIELDS.userId]) {
      expect(field(id).type).toBe('Text');
      expect(Number(field(id).length)).toBeGreaterThanOrEqual(18);
    }
  });
});

describe('Apex ↔ contract.ts', () => {
  it('the publisher declares exactly the contract Type__c values', () => {
    expect(publisherTypes.map(([, value]) => value).sort()).toEqual([...contract.CHAT_EVENT_TYPES].sort());
  });

  it('the publisher accepts every declared type (its TYPES set lists all TYPE_ constants)', () => {
    const typesSet = /TYPES\s*=\s*new\s+Set<String>\s*\{([^}]*)\}/.exec(publisher.source)?.[1] ?? '';
    const listed = typesSet.split(',').map((s) => s.trim()).filter(Boolean).sort();
    expect(listed).toEqual(publisherTypes.map(([name]) => name).sort());
  });

  it('every type is produced by a handler or service, through the publisher constants', () => {
    const used = new Set<string>();
    for (const parse of productionClasses.filter((p) => p !== publisher)) {
      for (const match of code(parse).matchAll(/ChatEventPublisher \. (TYPE_\w+)/g)) {
        used.add(match[1]);
      }
    }
    expect([...used].sort()).toEqual(publisherTypes.map(([name]) => name).sort());
  });

  it('no production Apex hard-codes a Type__c value outside the contract', () => {
    const typeLike = /^(MESSAGE|USER)_[A-Z_]+$/;
    // test classes are left out: one of them checks that an unknown type is refused
    const strays = productionClasses.flatMap((parse) =>
      apexStringLiterals(parse.source)
        .filter((literal) => typeLike.test(literal) && !(contract.CHAT_EVENT_TYPES as readonly string[]).includes(literal))
        .map((literal) => `${relative(ROOT, parse.file)}: '${literal}'`),
    );
    expect(strays).toEqual([]);
  });

  it('the publisher and its callback set exactly the contract fields on the event', () => {
    for (const parse of [publisher, publishCallback]) {
      const names = [...apexCustomNames(parse.source)];
      expect(names, relative(ROOT, parse.file)).toContain(contract.CHAT_EVENT_API_NAME);
      expect(names.filter((n) => n !== contract.CHAT_EVENT_API_NAME).sort(), relative(ROOT, parse.file)).toEqual(Object.values(contract.CHAT_EVENT_FIELDS).sort());
    }
  });

  it('only the publisher (and its retrying callback) publish, and the publisher calls EventBus.publish once', () => {
    const publishing = productionClasses.filter((p) => /EventBus \. publish \(/.test(code(p))).map((p) => relative(ROOT, p.file)).sort();
    expect(publishing).toEqual([relative(ROOT, publishCallback.file), relative(ROOT, publisher.file)].sort());
    expect(code(publisher).match(/EventBus \. publish \(/g)).toHaveLength(1);
  });
});

describe('browser token: Apex ↔ contract.ts', () => {
  const claims = interfaceMembers('BridgeTokenClaims');

  it('Apex sets every required claim of BridgeTokenClaims', () => {
    const setters: Record<string, RegExp> = {
      sub: /\.setSub\(/,
      aud: /\.setAud\(/,
      exp: /\.setValidityLength\(/,
      iss: /\.setIss\(/,
    };
    // The claims map buildJwt hands to setAdditionalClaims (an admin token's `scope` is put into it afterwards).
    expect(tokenService.source).toMatch(/setAdditionalClaims\(claims\)/);
    const additional = [...(/Map<String, Object> claims = new Map<String, Object>\s*\{([^}]*)\}/.exec(tokenService.source)?.[1] ?? '').matchAll(/'(\w+)'\s*=>/g)].map((m) => m[1]);
    const produced = new Set([...Object.keys(setters).filter((claim) => setters[claim].test(tokenService.source)), ...additional]);
    const required = claims.filter((c) => !c.optional).map((c) => c.name);
    expect(required.sort()).toEqual(['aud', 'exp', 'name', 'org', 'sub']);
    expect(required.filter((claim) => !produced.has(claim))).toEqual([]);
    expect(additional.sort()).toEqual(['name', 'org']);
  });

  it('Apex puts the rooms claim (contract 2.3.0) from ChatRoomService, checks it in the signed token, and caps it as the contract does', () => {
    expect(tokenService.source).toMatch(/claims\.put\('rooms', ChatRoomService\.readableRoomIds\(\)\)/);
    expect(tokenService.source).toMatch(/claims\.get\('rooms'\) instanceof List<Object>/);
    expect(interfaceMembers('BridgeTokenClaims')).toContainEqual({ name: 'rooms', optional: true });
    const cap = Number(/MAX_TOKEN_ROOMS\s*=\s*(\d+)/.exec(byName('ChatRoomService').source)?.[1]);
    expect(cap).toBe(contract.MAX_TOKEN_ROOMS);
  });

  it('an admin token carries the contract\'s scope, and only ChatAuditController asks for it', () => {
    expect(claims.find((c) => c.name === 'scope')?.optional).toBe(true);
    expect(apexStringConstants(tokenService).get('AUDIT_SCOPE')).toBe(contract.AUDIT_SCOPE);
    const askers = walk(metaPath('classes'))
      .filter((f) => f.endsWith('.cls') && !f.endsWith('_Tests.cls') && !f.endsWith('ChatBridgeTokenService.cls'))
      .filter((f) => /issueToken\(\s*ChatBridgeTokenService\.AUDIT_SCOPE\s*\)/.test(read(f)))
      .map((f) => relative(metaPath('classes'), f));
    expect(askers).toEqual(['ChatAuditController.cls']);
  });

  it('the audience agrees: the Default settings record ships the contract default, and Apex has no fallback of its own (Audience__c is required)', () => {
    const record = read(metaPath('customMetadata', 'Chat_Bridge_Setting.Default.md-meta.xml'));
    const audience = /<field>Audience__c<\/field>\s*<value[^>]*>([^<]+)<\/value>/.exec(record)?.[1];
    const field = readXml(metaPath('objects', 'Chat_Bridge_Setting__mdt', 'fields', 'Audience__c.field-meta.xml')).CustomField;
    expect(audience).toBe(contract.DEFAULT_TOKEN_AUDIENCE);
    expect(field.required).toBe('true');
    expect([...apexStringConstants(tokenService).values()]).not.toContain(contract.DEFAULT_TOKEN_AUDIENCE);
  });

  it('Apex never issues a token the bridge would refuse as too long-lived', () => {
    const max = Number(/MAX_LIFETIME_SECONDS\s*=\s*(\d+)/.exec(tokenService.source)?.[1]);
    const record = read(metaPath('customMetadata', 'Chat_Bridge_Setting.Default.md-meta.xml'));
    const configured = Number(/<field>Token_Lifetime_Seconds__c<\/field>\s*<value[^>]*>([^<]+)<\/value>/.exec(record)?.[1]);
    expect(max * 1000).toBeLessThanOrEqual(contract.MAX_TOKEN_LIFETIME_MS);
    expect(configured * 1000).toBeLessThanOrEqual(contract.MAX_TOKEN_LIFETIME_MS);
  });
});

describe('LWC socket events ↔ contract.ts', () => {
  const chatSocketFile = metaPath('lwc', 'chatSocket', 'chatSocket.js');
  const chatEventTypesFile = metaPath('lwc', 'chatEventTypes', 'chatEventTypes.js');

  it('the LWC event table (c/chatEventTypes) equals CHAT_EVENT_CATEGORY, so a type added to one side fails', async () => {
    const { EVENT_CATEGORY } = await import(pathToFileURL(chatEventTypesFile).href);
    expect(EVENT_CATEGORY).toStrictEqual(contract.CHAT_EVENT_CATEGORY);
    expect(Object.keys(EVENT_CATEGORY)).toEqual(contract.CHAT_EVENT_TYPES);
    expect(Object.isFrozen(EVENT_CATEGORY)).toBe(true);
  });

  it('the LWC table and README are what `npm run contract:sync` writes from contract.ts', () => {
    expect(read(join(ROOT, SYNCED_FILES.lwc)), `${SYNCED_FILES.lwc}: run npm run contract:sync`).toBe(renderLwcTable(read(join(ROOT, SYNCED_FILES.lwc))));
    expect(read(join(ROOT, SYNCED_FILES.readme)), 'README.md: run npm run contract:sync').toBe(renderReadmeTable(read(join(ROOT, SYNCED_FILES.readme))));
  });

  it('the event-name constants are contract events', async () => {
    const module = await import(pathToFileURL(chatSocketFile).href);
    expect(Object.values(module.SERVER_EVENTS).filter((name) => !serverToClient.includes(name as string))).toEqual([]);
    expect(Object.values(module.CLIENT_EVENTS).sort()).toEqual([...clientToServer].sort());
  });

  it('running against a recording socket, it listens only to contract events and emits only typing:start/stop', async () => {
    const module = await import(pathToFileURL(chatSocketFile).href);
    const listened = new Set<string>();
    const emitted: string[] = [];
    const handlers = new Map<string, ((...args: unknown[]) => void)[]>();
    const socket = {
      connected: false,
      active: true,
      io: { on() {}, off() {} },
      on(name: string, handler: (...args: unknown[]) => void) {
        listened.add(name);
        handlers.set(name, [...(handlers.get(name) ?? []), handler]);
        return socket;
      },
      off() {
        return socket;
      },
      emit(name: string) {
        emitted.push(name);
        return socket;
      },
      connect() {
        return socket;
      },
      disconnect() {
        socket.connected = false;
        return socket;
      },
    };
    const fire = (name: string, payload?: unknown) => (handlers.get(name) ?? []).forEach((h) => h(payload));
    const refreshes: unknown[] = [];
    const typingNames: string[][] = [];
    const chat = new module.ChatSocket({
      io: () => socket,
      currentUserId: '005000000000001AAA',
      getConnection: async () => ({ url: 'https://bridge.example.com', token: 'a.b.c' }),
      onRefresh: async (scope: unknown) => {
        refreshes.push(scope);
      },
      onTyping: (names: string[]) => typingNames.push(names),
      timing: { refreshDelayMs: 1 },
    });
    await chat.start();

    socket.connected = true;
    fire('connect');
    for (const type of contract.CHAT_EVENT_TYPES) {
      fire('chat:event', { type });
    }
    fire('bridge:resync', { reason: 'replay-id-expired' });
    fire('bridge:status', { upstream: 'connected', contractVersion: contract.CONTRACT_VERSION });
    const notice: Record<string, unknown> = { userId: '005000000000002AAA', name: 'Ana', isTyping: true, roomId: null };
    expect(Object.keys(notice).sort()).toEqual(interfaceMembers('TypingNotice').map((m) => m.name).sort());
    fire('typing', notice);
    chat.notifyTyping();
    chat.stopTyping();
    await new Promise((resolve) => setTimeout(resolve, 20));
    chat.stop();

    const contractListened = [...listened].filter((name) => !SOCKET_IO_RESERVED.has(name));
    expect(contractListened.filter((name) => !serverToClient.includes(name))).toEqual([]);
    expect(contractListened).toEqual(expect.arrayContaining(['chat:event', 'bridge:resync', 'bridge:status', 'typing']));
    expect(emitted.length).toBeGreaterThan(0);
    expect(emitted.filter((name) => !clientToServer.includes(name))).toEqual([]);
    expect(typingNames).toContainEqual(['Ana']);
    expect(refreshes.length).toBeGreaterThan(0);
  });

  it('every contract type maps to the refresh its category asks for (a message event: the record it names)', async () => {
    const { scopeForEvent } = await import(pathToFileURL(chatSocketFile).href);
    const recordId = 'a01000000000001AAA';
    const expected: Record<contract.ChatEventCategory, { messages: boolean; users: boolean; messageIds: string[] }> = {
      messages: { messages: false, users: false, messageIds: [recordId] },
      presence: { messages: false, users: true, messageIds: [] },
    };
    for (const type of contract.CHAT_EVENT_TYPES) {
      expect(scopeForEvent({ type, recordId }), type).toEqual(expected[contract.CHAT_EVENT_CATEGORY[type]]);
    }
  });

  it('no LWC source emits or listens to a literal event name outside the contract', () => {
    const allowed = new Set([...serverToClient, ...clientToServer, ...SOCKET_IO_RESERVED]);
    const sources = walk(metaPath('lwc')).filter((f) => f.endsWith('.js'));
    const strays = sources.flatMap((file) =>
      [...read(file).matchAll(/\.(?:on|emit|off)\(\s*['"]([^'"]+)['"]/g)]
        .map((m) => m[1])
        .filter((name) => !allowed.has(name) && !['reconnect_attempt', 'reconnect_failed'].includes(name))
        .map((name) => `${relative(ROOT, file)}: ${name}`),
    );
    expect(strays).toEqual([]);
  });
});

describe('dev org ↔ contract.ts', () => {
  const devOrgFiles = walk(DEV_ORG_DIR).filter((f) => f.endsWith('.ts'));

  it('finds the dev org sources (CONTRACT_DEV_ORG_DIR may point elsewhere)', () => {
    expect(devOrgFiles.length).toBeGreaterThan(0);
  });

  it('hard-codes no __c/__e name that force-app and the contract do not define', () => {
    const known = new Set<string>([contract.CHAT_EVENT_API_NAME, ...Object.values(contract.CHAT_EVENT_FIELDS), ...forceAppApiNames]);
    const strays = devOrgFiles.flatMap((file) =>
      [...read(file).matchAll(/\b[A-Za-z][A-Za-z0-9_]*__(?:c|e)\b/g)]
        .map((m) => m[0])
        .filter((name) => !known.has(name))
        .map((name) => `${relative(ROOT, file)}: ${name}`),
    );
    expect(strays).toEqual([]);
  });

  it('hard-codes no Type__c value outside the contract', () => {
    const strays = devOrgFiles.flatMap((file) =>
      [...read(file).matchAll(/['"`]((?:MESSAGE|USER)_[A-Z_]+)['"`]/g)]
        .map((m) => m[1])
        .filter((value) => !(contract.CHAT_EVENT_TYPES as readonly string[]).includes(value))
        .map((value) => `${relative(ROOT, file)}: ${value}`),
    );
    expect(strays).toEqual([]);
  });

  it('declares Chat_Event__e fields with the lengths and required flags of force-app', () => {
    const declared = devOrgFiles.flatMap((file) =>
      [...read(file).matchAll(/name:\s*CHAT_EVENT_FIELDS\.(\w+)[^}]*?length:\s*(\d+)[^}]*?required:\s*(true|false)/g)].map((m) => ({
        file: relative(ROOT, file),
        field: contract.CHAT_EVENT_FIELDS[m[1] as keyof typeof contract.CHAT_EVENT_FIELDS],
        length: m[2],
        required: m[3],
      })),
    );
    expect(declared.map((d) => d.field).sort()).toEqual(Object.values(contract.CHAT_EVENT_FIELDS).sort());
    for (const { file, field, length, required } of declared) {
      const source = eventFields.find((f) => f.fullName === field);
      expect(source, `${file}: ${field} exists in force-app`).toBeDefined();
      expect({ field, length, required }, file).toEqual({ field, length: source!.length, required: source!.required ?? 'false' });
    }
  });
});

describe('LWC ↔ gateway refusal reasons', () => {
  it('reads only `connect_error` reasons the gateway sends', () => {
    const gatewaySource = read(join(ROOT, 'bridge', 'gateway', 'gateway.ts'));
    const handshakeOnly = /HandshakeRefusal = TokenRefusal((?:\s*\|\s*'[\w-]+')+)/.exec(gatewaySource)?.[1] ?? '';
    const sent = new Set([...Object.keys(TOKEN_REFUSAL_MESSAGES), ...[...handshakeOnly.matchAll(/'([\w-]+)'/g)].map((m) => m[1])]);
    const lwc = read(join(metaPath('lwc'), 'chatSocket', 'chatSocket.js'));
    const transient = /TRANSIENT_REFUSALS = Object\.freeze\(\[([^\]]*)\]\)/.exec(lwc)?.[1] ?? '';
    const read_ = [...lwc.matchAll(/reason === '([\w-]+)'/g), ...transient.matchAll(/'([\w-]+)'/g)].map((m) => m[1]);
    expect(read_).toEqual(expect.arrayContaining(['expired', 'internal', 'closing']));
    expect(read_.filter((reason) => !sent.has(reason))).toEqual([]);
  });
});


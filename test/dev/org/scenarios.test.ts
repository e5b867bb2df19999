/**
 * The dev org's data side ↔ force-app's Apex, by behaviour. Every scenario of the static resource
 * force-app/main/default/staticresources/chatScenarios.json runs here against the dev org's records,
 * DML layer, chat triggers and ChatController mirror, and in an org against the Apex itself
 * (ChatScenarios_Tests.cls). Both read the same file, so both must give the same Chat_Event__e
 * events (Type__c, Record_Id__c, User_Id__c, Changed_Fields__c) for each DML context, each naming the
 * acting request (Source__c = its quiddity, Request_Id__c = its id), nothing for an update that
 * changes no chat field, the same author default, presence
 * events exactly when Chat_Active__c changes, and the same controller limits, ordering, return values
 * and AuraHandledException messages, word for word. The Apex source itself is not read, except for
 * the controller's signatures (what Aura calls by name) and the list of scenarios the Apex class runs.
 *
 * How to add a scenario:
 *  1. add an object to `scenarios` in chatScenarios.json (format below) with a unique kebab-case `name`;
 *  2. add a one-line @IsTest method to ChatScenarios_Tests.cls that calls `run('<name>')` (the last
 *     test below fails until it is there);
 *  3. `npx vitest run test/dev/org/scenarios.test.ts` here; the Apex half runs in an org
 *     (scripts/sf/run-apex-tests.sh).
 *
 * Format. Keys such as "ana" or "msg1" stand for record ids, which differ per org.
 *  - given.users: { key, firstName? ("Chat"), lastName? (the key), chatActive? (false), isActive?
 *    (true), count? } — created as they are: no trigger runs, nothing is published.
 *  - given.messages: { key, content? (the key), author? (user key; absent or null = blank User__c),
 *    minutesAgo? (CreatedDate; default now), deleted? (in the recycle bin), count? } — created by the
 *    user given.messagesCreatedBy (default: the runner's own user), in list order, no trigger runs.
 *  - given.bridge: { url, tokenLifetimeSeconds? } — the Chat_Bridge_Setting__mdt the controller reads.
 *  - given.limits: { maxActiveUsers? } — lowers a ChatController cap for this scenario (Apex:
 *    `activeUsersLimit`), so that showing the cap needs a handful of users, not 501, in an org.
 *  - runAs: key of the user who acts (default: the runner's own user, an administrator in an org).
 *  - when: one of insertMessages [{ key, content?, author?, count? }], updateMessages [{ key,
 *    content?, count? }], deleteMessages [key], undeleteMessages [key], insertUsers [user as in
 *    given.users], updateUsers [{ key, chatActive?, lastName?, count? }] (each one DML statement), or
 *    call { method, params } (a ChatController method; Datetime params as { minutesAgo }, List<Id>
 *    params as a list of record keys).
 *  - then.events: every Chat_Event__e published, in order, as { type, message?, user, count?,
 *    changedFields? } (Record_Id__c is the message, or the user for presence events;
 *    changedFields: the API names Changed_Fields__c lists, MESSAGE_UPDATED only). Every event must
 *    also carry the acting request's quiddity and id (Source__c, Request_Id__c): in an org the Apex
 *    test's own request, here the request the runner acts in. One DML statement publishes
 *    once, so an action with events must publish exactly once and one without must not publish.
 *  - then.returns: null (void) | { message: { key, content, user, userName } } (binds key to the
 *    returned id) | { messages: [key]?, size? } | { users: [key]?, size? } | { connection: { url,
 *    subject, lifetimeSeconds } }. Lists name the scenario's own records among the results, in order
 *    (an org's existing users are visible to Apex tests and are left out); size counts every result.
 *  - then.throws: the AuraHandledException message; then.authors: { messageKey: userKey | null }.
 *  - count: n expands one entry into key1 … keyn (in events: the record key).
 *  - content: a string, null, or { repeat, times }.
 */
import { readdirSync } from 'node:fs';
import { decodeJwt } from 'jose';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CHAT_EVENT_FIELDS, DEFAULT_TOKEN_AUDIENCE } from '../../../bridge/events/contract.js';
import type { ChatEventValues } from '../../../dev/org/data/chat-event.js';
import {
  AuraHandledError,
  createChatController,
  DEFAULT_MESSAGE_LIMIT,
  MAX_ACTIVE_USERS,
  MAX_CONTENT_LENGTH,
  MAX_MESSAGE_LIMIT,
  type ApexArgs,
  type BridgeConnection,
  type BridgeSettings,
  type MessageView,
  type ParticipantView,
} from '../../../dev/org/data/chat-controller.js';
import { createChatTriggers, type ChatTriggers } from '../../../dev/org/data/chat-triggers.js';
import { createDml, type Dml } from '../../../dev/org/data/dml.js';
import { newApexRequest, type ApexRequest } from '../../../dev/org/data/apex-request.js';
import { MESSAGE_CHAT_FIELDS } from '../../../dev/org/data/chat-triggers.js';
import { createEventBus } from '../../../dev/org/data/event-bus.js';
import { KEY_PREFIX, newRecordId } from '../../../dev/org/data/ids.js';
import { auditTimestamp, OrgRecords, type SampleUser } from '../../../dev/org/data/records.js';
import { CONTENT_MAX_LENGTH } from '../../../dev/org/data/sobjects.js';
import { apexIntegerConstants, apexMembers, apexStringLiterals, metaPath, parseApexFile, read, readXml } from '../../force-app/support/force-app.js';

type Content = string | null | { repeat: string; times: number };

interface UserSpec {
  key: string;
  firstName?: string;
  lastName?: string;
  chatActive?: boolean;
  isActive?: boolean;
  count?: number;
}

interface MessageSpec {
  key: string;
  content?: Content;
  author?: string | null;
  minutesAgo?: number;
  deleted?: boolean;
  count?: number;
}

interface EventSpec {
  type: string;
  message?: string;
  user: string;
  count?: number;
  changedFields?: string[];
}

type Returns =
  | null
  | { message: { key: string; content: Content; user: string; userName: string } }
  | { messages?: string[]; size?: number }
  | { users?: string[]; size?: number }
  | { connection: { url: string; subject: string; lifetimeSeconds: number } };

interface Scenario {
  name: string;
  does: string;
  given: {
    users?: UserSpec[];
    messages?: MessageSpec[];
    messagesCreatedBy?: string;
    bridge?: { url: string | null; tokenLifetimeSeconds?: number };
    limits?: { maxActiveUsers?: number };
  };
  runAs?: string;
  when: {
    insertMessages?: MessageSpec[];
    updateMessages?: Array<{ key: string; content?: Content; count?: number }>;
    deleteMessages?: string[];
    undeleteMessages?: string[];
    insertUsers?: UserSpec[];
    updateUsers?: Array<{ key: string; chatActive?: boolean; lastName?: string; count?: number }>;
    call?: { method: string; params: Record<string, unknown> };
  };
  then: { events: EventSpec[]; returns?: Returns; throws?: string; authors?: Record<string, string | null> };
}

const SCENARIOS: Scenario[] = JSON.parse(read(metaPath('staticresources', 'chatScenarios.json'))).scenarios;
const TOKEN_SECRET = 'scenario-secret-scenario-secret!';
const logger = pino({ level: 'silent' });

/** `count: n` → key1 … keyn; entries without a count stay as they are. */
function expand<T extends { key: string; count?: number }>(specs: readonly T[] = []): T[] {
  return specs.flatMap((spec) => (spec.count === undefined ? [spec] : Array.from({ length: spec.count }, (_, i) => ({ ...spec, key: `${spec.key}${i + 1}` }))));
}

/** A text of the fixture (a string, null, or { repeat, times }); `fallback` when the field is absent. */
function text(content: Content | undefined, fallback: string): string | null {
  if (content === undefined) return fallback;
  if (content === null || typeof content === 'string') return content;
  return content.repeat.repeat(content.times);
}

/** The expected events as [Type__c, record key, user key, Changed_Fields__c]; `count` expands the record key. */
function expectedEvents(specs: readonly EventSpec[]): (string | null)[][] {
  return specs.flatMap((spec) => {
    const record = spec.message ?? spec.user;
    const records = spec.count === undefined ? [record] : Array.from({ length: spec.count }, (_, i) => `${record}${i + 1}`);
    return records.map((key) => [spec.type, key, spec.message === undefined ? key : spec.user, spec.changedFields?.join(',') ?? null]);
  });
}

/** What `Request.getCurrent().getQuiddity()` answers in an Apex test run synchronously: the runner's stand-in. */
const SCENARIO_QUIDDITY = 'RUNTEST_SYNC';

/** One scenario's dev org: records, triggers whose publishes are recorded per trigger run, DML, controller. */
function scenarioOrg(scenario: Scenario) {
  const records = new OrgRecords();
  const ids = new Map<string, string>();
  const keyOf = (id: string | null) => (id === null ? null : ([...ids].find(([, known]) => known === id)?.[0] ?? id));
  const idOf = (key: string) => {
    const id = ids.get(key);
    if (id === undefined) throw new Error(`${scenario.name}: no record with key "${key}"`);
    return id;
  };
  const bind = (specs: readonly { key: string }[], rows: readonly { Id: string }[]) => specs.forEach((spec, i) => ids.set(spec.key, rows[i]!.Id));
  const userRow = (spec: UserSpec): SampleUser => {
    const firstName = spec.firstName ?? 'Chat';
    const lastName = spec.lastName ?? spec.key;
    return {
      Id: newRecordId(KEY_PREFIX.user),
      Name: `${firstName} ${lastName}`,
      FirstName: firstName,
      LastName: lastName,
      Username: `${spec.key}@scenarios.invalid`,
      SmallPhotoUrl: `https://scenarios.invalid/photos/${spec.key}`,
      Chat_Active__c: spec.chatActive ?? false,
      IsActive: spec.isActive ?? true,
    };
  };

  // Each trigger run opens a batch: a batch is what one EventBus.publish call of the Apex carries.
  const batches: ChatEventValues[][] = [];
  let replayId = 0;
  const bus = createEventBus({ log: { append: (make) => make((replayId += 1)) }, deliver: (event) => batches.at(-1)!.push(event.values), logger });
  const triggers = createChatTriggers(bus, logger);
  const batched: ChatTriggers = {
    afterMessages(...args) {
      batches.push([]);
      triggers.afterMessages(...args);
    },
    afterUsers(...args) {
      batches.push([]);
      triggers.afterUsers(...args);
    },
  };
  const dml = createDml(records, batched);
  const { bridge } = scenario.given;
  const settings: BridgeSettings | undefined =
    bridge?.url == null ? undefined : { url: bridge.url, tokenSecret: TOKEN_SECRET, audience: DEFAULT_TOKEN_AUDIENCE, tokenLifetimeSeconds: bridge.tokenLifetimeSeconds };
  const controller = createChatController({
    records,
    dml,
    orgId: newRecordId(KEY_PREFIX.organization),
    bridge: () => settings,
    logger,
    maxActiveUsers: scenario.given.limits?.maxActiveUsers,
  });

  // The runner's own user (in an org, the user running the tests): not one of the scenario's records.
  const runner = userRow({ key: 'scenario.runner', firstName: 'Scenario', lastName: 'Runner' });
  records.putUser(runner);
  return { records, ids, keyOf, idOf, bind, userRow, batches, dml, controller, runnerId: runner.Id };
}

type ScenarioOrg = ReturnType<typeof scenarioOrg>;

function arrange(scenario: Scenario, org: ScenarioOrg): void {
  const userSpecs = expand(scenario.given.users);
  const users = userSpecs.map(org.userRow);
  for (const user of users) org.records.putUser(user);
  org.bind(userSpecs, users);
  const creator = scenario.given.messagesCreatedBy === undefined ? org.runnerId : org.idOf(scenario.given.messagesCreatedBy);
  const now = Date.now();
  for (const spec of expand(scenario.given.messages)) {
    const keys = org.records.newMessageKeys();
    org.ids.set(spec.key, keys.Id);
    const at = auditTimestamp(now - (spec.minutesAgo ?? 0) * 60_000);
    org.records.putMessage({
      ...keys,
      Content__c: text(spec.content, spec.key),
      User__c: spec.author == null ? null : org.idOf(spec.author),
      CreatedById: creator,
      CreatedDate: at,
      LastModifiedById: creator,
      LastModifiedDate: at,
      IsDeleted: spec.deleted ?? false,
    });
  }
}

/** Apex values of a call's params, by the Apex types the mirror declares. */
function apexArgs(org: ScenarioOrg, method: string, params: Record<string, unknown>): ApexArgs {
  const declared = org.controller[method]?.params;
  if (!declared) throw new Error(`ChatController has no @AuraEnabled method ${method}`);
  expect(Object.keys(params).filter((name) => !(name in declared)), `parameters of ${method}`).toEqual([]);
  return Object.fromEntries(
    Object.entries(declared).map(([name, type]) => {
      const value = params[name] ?? null;
      if (value === null) return [name, null];
      if (type === 'Datetime') return [name, new Date(Date.now() - (value as { minutesAgo: number }).minutesAgo * 60_000)];
      if (type === 'String') return [name, text(value as Content, '')];
      if (type === 'List<Id>') return [name, (value as string[]).map(org.idOf)];
      return [name, value as number];
    }),
  );
}

/** Does the action in `actor`'s request; answers what a call returned or the AuraHandledException message. */
async function act(scenario: Scenario, org: ScenarioOrg, actor: ApexRequest): Promise<{ result: unknown; thrown: string | null }> {
  const { when } = scenario;
  const { dml } = org;
  if (when.insertMessages) {
    const specs = expand(when.insertMessages);
    const saved = dml.insertMessages(specs.map((s) => ({ Content__c: text(s.content, s.key), User__c: s.author == null ? null : org.idOf(s.author) })), actor);
    org.bind(specs, saved);
  } else if (when.updateMessages) {
    dml.updateMessages(expand(when.updateMessages).map((s) => ({ id: org.idOf(s.key), fields: s.content === undefined ? {} : { Content__c: text(s.content, '') } })), actor);
  } else if (when.deleteMessages) {
    dml.deleteMessages(when.deleteMessages.map(org.idOf), actor);
  } else if (when.undeleteMessages) {
    dml.undeleteMessages(when.undeleteMessages.map(org.idOf), actor);
  } else if (when.insertUsers) {
    const specs = expand(when.insertUsers);
    const users = specs.map(org.userRow);
    dml.insertUsers(users, actor);
    org.bind(specs, users);
  } else if (when.updateUsers) {
    const rows = expand(when.updateUsers).map(({ key, chatActive, lastName }) => ({
      id: org.idOf(key),
      fields: { ...(chatActive === undefined ? {} : { Chat_Active__c: chatActive }), ...(lastName === undefined ? {} : { LastName: lastName }) },
    }));
    dml.updateUsers(rows, actor);
  } else if (when.call) {
    const { method, params } = when.call;
    const args = apexArgs(org, method, params);
    try {
      return { result: await org.controller[method]!.invoke(args, actor), thrown: null };
    } catch (err) {
      if (err instanceof AuraHandledError) return { result: undefined, thrown: err.message };
      throw err;
    }
  } else {
    throw new Error(`${scenario.name}: "when" names no action`);
  }
  return { result: undefined, thrown: null };
}

/** What the call returned, in the shape of the expected value (binding a returned message's key). */
function observed(expected: Returns, result: unknown, org: ScenarioOrg): unknown {
  if (expected === null) return result ?? null;
  if ('message' in expected) {
    const view = result as MessageView;
    org.ids.set(expected.message.key, view.id);
    return { message: { key: expected.message.key, content: view.content, user: org.keyOf(view.userId), userName: view.userName } };
  }
  if ('connection' in expected) {
    const connection = result as BridgeConnection;
    const claims = decodeJwt(connection.token);
    return { connection: { url: connection.url, subject: org.keyOf(claims.sub!), lifetimeSeconds: claims.exp! - claims.iat! } };
  }
  const listKey = 'users' in expected ? 'users' : 'messages';
  const list = result as Array<MessageView | ParticipantView>;
  const known = new Set(org.ids.values());
  return {
    ...(expected[listKey as keyof typeof expected] === undefined ? {} : { [listKey]: list.filter((v) => known.has(v.id)).map((v) => org.keyOf(v.id)) }),
    ...(expected.size === undefined ? {} : { size: list.length }),
  };
}

function expectedReturns(expected: Returns): unknown {
  if (expected !== null && 'message' in expected) return { message: { ...expected.message, content: text(expected.message.content, '') } };
  return expected;
}

describe('chat scenarios (chatScenarios.json) against the dev org', () => {
  it.each(SCENARIOS.map((s) => [`${s.name}: ${s.does}`, s] as const))('%s', async (_title, scenario) => {
    const org = scenarioOrg(scenario);
    arrange(scenario, org);
    const actor = newApexRequest(scenario.runAs === undefined ? org.runnerId : org.idOf(scenario.runAs), SCENARIO_QUIDDITY);

    const { result, thrown } = await act(scenario, org, actor);

    expect(thrown, 'AuraHandledException message').toBe(scenario.then.throws ?? null);
    if ('returns' in scenario.then) {
      expect(observed(scenario.then.returns!, result, org), 'return value').toEqual(expectedReturns(scenario.then.returns!));
    }
    const published = org.batches
      .flat()
      .map((v) => [v[CHAT_EVENT_FIELDS.type], org.keyOf(v[CHAT_EVENT_FIELDS.recordId]!), org.keyOf(v[CHAT_EVENT_FIELDS.userId]!), v[CHAT_EVENT_FIELDS.changedFields]]);
    expect(published, 'Chat_Event__e events (Type__c, Record_Id__c, User_Id__c, Changed_Fields__c)').toEqual(expectedEvents(scenario.then.events));
    for (const values of org.batches.flat()) {
      expect([values[CHAT_EVENT_FIELDS.source], values[CHAT_EVENT_FIELDS.requestId]], 'Source__c, Request_Id__c: the acting request').toEqual([actor.quiddity, actor.requestId]);
    }
    expect(org.batches.filter((batch) => batch.length > 0), 'publish calls').toHaveLength(scenario.then.events.length > 0 ? 1 : 0);
    for (const [message, author] of Object.entries(scenario.then.authors ?? {})) {
      expect(org.keyOf(org.records.message(org.idOf(message))!.User__c), `User__c of ${message}`).toBe(author);
    }
  });
});

describe('what the scenarios stand on', () => {
  const controllerMethods = apexMembers(parseApexFile(metaPath('classes', 'ChatController.cls'))).filter(
    (m) => m.kind === 'method' && m.modifiers.includes('@auraenabled'),
  );
  // Only the methods' parameter declarations are read: nothing is called.
  const mirror = createChatController({ records: new OrgRecords(), dml: {} as Dml, orgId: '', bridge: () => undefined, logger });

  it('the mirror has the @AuraEnabled methods of ChatController.cls with their parameter names and Apex types, and a scenario calls each', () => {
    const apex = Object.fromEntries(controllerMethods.map((m) => [m.name, Object.fromEntries(m.params.map((name, i) => [name, m.paramTypes[i]]))]));
    const called = new Set(SCENARIOS.map((s) => s.when.call?.method).filter(Boolean));

    expect(Object.fromEntries(Object.entries(mirror).map(([name, method]) => [name, method.params]))).toEqual(apex);
    expect([...called].sort()).toEqual(Object.keys(apex).sort());
  });

  it('scenario names are unique, and ChatScenarios_Tests.cls runs each in a test method of its own', () => {
    const scenarioApex = parseApexFile(metaPath('classes', 'ChatScenarios_Tests.cls'));
    const names = SCENARIOS.map((s) => s.name);
    const testMethods = apexMembers(scenarioApex).filter((m) => m.kind === 'method' && m.modifiers.includes('@istest'));
    const literals = new Set(apexStringLiterals(scenarioApex.source));

    expect(new Set(names).size, 'unique names').toBe(names.length);
    expect(names.filter((name) => !literals.has(name)), 'scenarios ChatScenarios_Tests.cls does not run').toEqual([]);
    expect(testMethods).toHaveLength(names.length);
  });

  it("the controller's caps are the Apex's own (a scenario may lower one, so the numbers are compared here)", () => {
    const apex = apexIntegerConstants(parseApexFile(metaPath('classes', 'ChatController.cls')));
    expect({ DEFAULT_MESSAGE_LIMIT, MAX_MESSAGE_LIMIT, MAX_CONTENT_LENGTH, MAX_ACTIVE_USERS }).toEqual({
      DEFAULT_MESSAGE_LIMIT: apex.get('DEFAULT_MESSAGE_LIMIT'),
      MAX_MESSAGE_LIMIT: apex.get('MAX_MESSAGE_LIMIT'),
      MAX_CONTENT_LENGTH: apex.get('MAX_CONTENT_LENGTH'),
      MAX_ACTIVE_USERS: apex.get('MAX_ACTIVE_USERS'),
    });
  });

  it("the chat fields an update must change to publish are Chat_Message__c's custom fields, in the Apex's order (ChatEventService.CHAT_FIELDS)", () => {
    const service = read(metaPath('classes', 'ChatEventService.cls'));
    const apex = [...(/CHAT_FIELDS = new List<Schema\.SObjectField>\{([^}]*)\}/.exec(service)?.[1] ?? '').matchAll(/Chat_Message__c\.(\w+)/g)].map((m) => m[1]);
    const fieldsDir = readdirSync(metaPath('objects', 'Chat_Message__c', 'fields')).map((f) => f.replace('.field-meta.xml', ''));
    expect(apex).toEqual([...MESSAGE_CHAT_FIELDS]);
    expect([...MESSAGE_CHAT_FIELDS].sort()).toEqual(fieldsDir.sort());
  });

  it('the dev org stores Content__c with the length force-app gives it', () => {
    const field = readXml(metaPath('objects', 'Chat_Message__c', 'fields', 'Content__c.field-meta.xml')).CustomField;
    expect(CONTENT_MAX_LENGTH).toBe(Number(field.length));
  });
});

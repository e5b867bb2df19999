/**
 * The dev org's data side ↔ force-app's Apex, with the Apex as the source of truth: the trigger
 * handlers, ChatEventService and ChatController are parsed (comments dropped), and the dev org's
 * trigger module and controller must do what the parsed source says — the same Type__c per DML
 * context, the same Record_Id__c / User_Id__c, the same "only when Chat_Active__c changes" rule, the
 * same author default, the same @AuraEnabled methods, parameters, limits and messages. When the Apex
 * changes shape so that a pattern no longer matches, the test fails and names the pattern.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CHAT_EVENT_FIELDS } from '../../../bridge/events/contract.js';
import * as controllerModule from '../../../dev/org/data/chat-controller.js';
import { createChatController } from '../../../dev/org/data/chat-controller.js';
import { defaultAuthor, MESSAGE_EVENT_TYPE, messageEvents, presenceEvents } from '../../../dev/org/data/chat-triggers.js';
import type { Dml } from '../../../dev/org/data/dml.js';
import { OrgRecords } from '../../../dev/org/data/records.js';
import { CONTENT_MAX_LENGTH } from '../../../dev/org/data/sobjects.js';
import { apexMembers, apexStringConstants, apexStringLiterals, apexTokens, metaPath, parseApexFile, read } from '../../force-app/support/force-app.js';

/** Apex source as its code tokens joined by single spaces: no comments, no layout. */
function code(...path: string[]): string {
  return apexTokens(read(metaPath(...path)))
    .map((t) => t.text.trim())
    .filter((text) => text !== '' && !text.startsWith('//') && !text.startsWith('/*'))
    .join(' ');
}

/** The capture groups of `pattern` in `source`; fails the test, naming the pattern, when absent. */
function capture(source: string, pattern: RegExp, what: string): string[] {
  const match = pattern.exec(source);
  expect(match, `the Apex no longer matches the pattern for ${what}: ${pattern}`).not.toBeNull();
  return match!.slice(1);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const publisherTypes = apexStringConstants(parseApexFile(metaPath('classes', 'ChatEventPublisher.cls')));
const typeValue = (constant: string) => {
  const value = publisherTypes.get(constant);
  expect(value, `ChatEventPublisher.${constant}`).toBeDefined();
  return value!;
};
const messageHandler = code('classes', 'ChatMessageTriggerHandler.cls');
const userHandler = code('classes', 'ChatUserTriggerHandler.cls');
const eventService = code('classes', 'ChatEventService.cls');
const controllerSource = code('classes', 'ChatController.cls');

/** `on <object> ( before insert , after insert , … )` of a trigger file → ['before insert', …]. */
function triggerContexts(file: string): string[] {
  const [list] = capture(code('triggers', file), /trigger \w+ on \w+ \( ([^)]*) \)/, `${file} contexts`);
  return list!.split(' , ').map((c) => c.trim());
}

const USER_A = `005${'A'.repeat(12)}AAA`;
const USER_B = `005${'B'.repeat(12)}AAA`;
const MESSAGE = `a01${'C'.repeat(12)}AAA`;

describe('dev org data side: triggers ↔ Apex', () => {
  it('publishes the Type__c of each Chat_Message__c after-trigger context the Apex handler publishes', () => {
    const parsed = [
      ...messageHandler.matchAll(/protected override void (after\w+) \( \) \{ ChatEventService \. publishMessageEvents \( ChatEventPublisher \. (TYPE_\w+) , this \. \w+ \) ; \}/g),
    ].map((m) => [m[1]!, typeValue(m[2]!)]);

    expect(parsed.length, 'after-trigger methods found in ChatMessageTriggerHandler').toBeGreaterThan(0);
    expect(Object.fromEntries(parsed)).toEqual(MESSAGE_EVENT_TYPE);
  });

  it('runs in the contexts the triggers declare', () => {
    const messageContexts = triggerContexts('ChatMessageTrigger.trigger');
    const userContexts = triggerContexts('ChatUserTrigger.trigger');
    const asContext = (method: string) => method.replace(/^(before|after)(\w+)$/, (_, when: string, op: string) => `${when} ${op.toLowerCase()}`);

    expect(messageContexts).toEqual(expect.arrayContaining(['before insert', ...Object.keys(MESSAGE_EVENT_TYPE).map(asContext)]));
    expect(userContexts).toContain('after update');
  });

  it('defaults a blank author to the inserting user, as beforeInsert does', () => {
    const [currentUser] = capture(messageHandler, /Id (\w+) = UserInfo \. getUserId \( \) ;/, 'the running user');
    const [field, assigned, value] = capture(
      messageHandler,
      /protected override void beforeInsert \( \) \{[^}]*if \( message \. (\w+) == null \) \{ message \. (\w+) = (\w+) ;/,
      'the author default',
    );

    expect([field, assigned, value]).toEqual(['User__c', 'User__c', currentUser]);
    expect(defaultAuthor({ User__c: null }, USER_A)).toEqual({ User__c: USER_A });
    expect(defaultAuthor({ User__c: USER_B }, USER_A)).toEqual({ User__c: USER_B });
  });

  it('sets Record_Id__c and User_Id__c of message events as ChatEventService does', () => {
    const [authorVar, tested, whenSet, otherwise] = capture(
      eventService,
      /Id (\w+) = message \. (\w+) != null \? message \. (\w+) : message \. (\w+) ;/,
      'the author of a message event',
    );
    const [recordField, userArg] = capture(eventService, /publisher \. add \( eventType , message \. (\w+) , (\w+) \)/, 'publisher.add of messages');
    expect(userArg).toBe(authorVar);
    const expected = (record: Record<string, string | null>) => ({
      [CHAT_EVENT_FIELDS.recordId]: record[recordField!],
      [CHAT_EVENT_FIELDS.userId]: record[tested!] !== null ? record[whenSet!] : record[otherwise!],
    });

    for (const record of [
      { Id: MESSAGE, User__c: USER_A, CreatedById: USER_B },
      { Id: MESSAGE, User__c: null, CreatedById: USER_B },
    ]) {
      for (const context of Object.keys(MESSAGE_EVENT_TYPE) as Array<keyof typeof MESSAGE_EVENT_TYPE>) {
        const [event] = messageEvents(context, [record]);
        expect(event).toEqual({ [CHAT_EVENT_FIELDS.type]: MESSAGE_EVENT_TYPE[context], ...expected(record) });
      }
    }
  });

  it('publishes USER_ENTERED / USER_LEFT exactly when ChatEventService would', () => {
    const [activeField] = capture(eventService, /Boolean isActive = changed \. (\w+) == true ;/, 'isActive');
    const [wasField] = capture(eventService, /Boolean wasActive = oldMap != null && oldMap \. get \( changed \. Id \) \?\. (\w+) == true ;/, 'wasActive');
    expect([activeField, wasField]).toEqual(['Chat_Active__c', 'Chat_Active__c']);
    const branches = [
      ...eventService.matchAll(/if \( (!? ?isActive) && (!? ?wasActive) \) \{ publisher \. add \( ChatEventPublisher \. (TYPE_\w+) , changed \. (\w+) , changed \. (\w+) \) ; \}/g),
    ].map((m) => ({ isActive: !m[1]!.startsWith('!'), wasActive: !m[2]!.startsWith('!'), type: typeValue(m[3]!), recordField: m[4]!, userField: m[5]! }));
    expect(branches.length, 'presence branches found in ChatEventService').toBe(2);
    // The handler passes null after insert (a new user "was" not active) and Trigger.oldMap after update.
    expect(userHandler).toMatch(/void afterInsert \( \) \{ ChatEventService \. publishPresenceEvents \( this \. newRecords , null \) ; \}/);
    expect(userHandler).toMatch(/void afterUpdate \( \) \{ ChatEventService \. publishPresenceEvents \( this \. newRecords , this \. oldMap \) ; \}/);

    const user = (active: boolean) => ({ Id: USER_A, [activeField!]: active }) as { Id: string; Chat_Active__c: boolean };
    for (const wasActive of [false, true, undefined]) {
      for (const isActive of [false, true]) {
        const oldMap = wasActive === undefined ? null : new Map([[USER_A, user(wasActive)]]);
        const branch = branches.find((b) => b.isActive === isActive && b.wasActive === (wasActive ?? false));
        const expected = branch
          ? [{ [CHAT_EVENT_FIELDS.type]: branch.type, [CHAT_EVENT_FIELDS.recordId]: USER_A, [CHAT_EVENT_FIELDS.userId]: USER_A }]
          : [];
        expect(branch ? [branch.recordField, branch.userField] : ['Id', 'Id']).toEqual(['Id', 'Id']);
        expect(presenceEvents([user(isActive)], oldMap), `was ${String(wasActive)}, is ${isActive}`).toEqual(expected);
      }
    }
  });
});

describe('dev org data side: ChatController ↔ Apex', () => {
  const controller = createChatController({
    records: new OrgRecords(),
    dml: {} as Dml,
    orgId: '',
    bridge: () => undefined,
    logger: pino({ level: 'silent' }),
  });
  const apexMethods = apexMembers(parseApexFile(metaPath('classes', 'ChatController.cls'))).filter(
    (m) => m.kind === 'method' && m.modifiers.includes('@auraenabled'),
  );

  it('has the @AuraEnabled methods of ChatController, with their parameter names and Apex types', () => {
    const apex = Object.fromEntries(
      apexMethods.map((m) => {
        const [list] = capture(controllerSource, new RegExp(`static [\\w<>. ]+ ${m.name} \\( ([^)]*)\\)`), `${m.name}'s parameters`);
        const params = list!.trim() === '' ? [] : list!.trim().split(' , ').map((p) => p.split(' ') as [string, string]);
        return [m.name, Object.fromEntries(params.map(([type, name]) => [name, type]))];
      }),
    );

    expect(Object.fromEntries(Object.entries(controller).map(([name, method]) => [name, method.params]))).toEqual(apex);
  });

  it('uses the limits of the Apex constants and of Content__c', () => {
    for (const name of ['DEFAULT_MESSAGE_LIMIT', 'MAX_MESSAGE_LIMIT', 'MAX_CONTENT_LENGTH', 'MAX_ACTIVE_USERS'] as const) {
      const [value] = capture(controllerSource, new RegExp(`static final Integer ${name} = (\\d+) ;`), name);
      expect(controllerModule[name], name).toBe(Number(value));
    }
    const field = read(metaPath('objects', 'Chat_Message__c', 'fields', 'Content__c.field-meta.xml'));
    expect(CONTENT_MAX_LENGTH).toBe(Number(/<length>(\d+)<\/length>/.exec(field)?.[1]));
  });

  it('returns the newest messages oldest first and active users by name, as the Apex queries order them', () => {
    expect(controllerSource).toMatch(/FROM Chat_Message__c WITH USER_MODE ORDER BY CreatedDate DESC , Id DESC LIMIT : size/);
    expect(controllerSource).toMatch(/for \( Integer i = newestFirst \. size \( \) - 1 ; i > ?= 0 ; i -- \)/);
    expect(controllerSource).toMatch(/WHERE CreatedDate > : since WITH USER_MODE ORDER BY CreatedDate ASC , Id ASC/);
    expect(controllerSource).toMatch(/WHERE Chat_Active__c = TRUE AND IsActive = TRUE WITH USER_MODE ORDER BY Name ASC/);
    expect(controllerSource).toMatch(/if \( current \. Chat_Active__c == active \) \{ return ; \}/);
  });

  it('throws the AuraHandledException messages of the Apex, word for word', () => {
    const controllerLiterals = apexStringLiterals(read(metaPath('classes', 'ChatController.cls')));
    const tokenLiterals = apexStringLiterals(read(metaPath('classes', 'ChatBridgeTokenService.cls')));
    const { CONTROLLER_MESSAGES: m } = controllerModule;

    expect(controllerLiterals).toEqual(expect.arrayContaining([m.blankMessage, m.sinceMissing]));
    expect(tokenLiterals).toContain(m.bridgeNotConfigured);
    // Messages the Apex builds by concatenation: compare the pieces around the values.
    expect(controllerSource).toMatch(
      new RegExp(`'${escape(m.tooLong(-1).split('-1')[0]!)}' \\+ text \\. length \\( \\) \\+ '${escape(m.tooLong(-1).split('-1')[1]!.replace(`${controllerModule.MAX_CONTENT_LENGTH}.`, ''))}' \\+ MAX_CONTENT_LENGTH \\+ '\\.'`),
    );
    expect(controllerLiterals).toContain(m.notSent(''));
    const [enter, leave] = capture(controllerSource, /'Could not ' \+ \( active \? '(\w+)' : '(\w+)' \) \+ ' the chat: '/, 'the presence error');
    expect([m.presenceFailed(true, 'x'), m.presenceFailed(false, 'x')]).toEqual([`Could not ${enter} the chat: x`, `Could not ${leave} the chat: x`]);
  });

  it('signs tokens for the lifetime rule of ChatBridgeTokenService', () => {
    const tokenService = code('classes', 'ChatBridgeTokenService.cls');
    const constant = (name: string) => Number(capture(tokenService, new RegExp(`static final Integer ${name} = (\\d+) ;`), name)[0]);

    expect(controllerModule.TOKEN_LIFETIME_SECONDS).toEqual({
      default: constant('DEFAULT_LIFETIME_SECONDS'),
      min: constant('MIN_LIFETIME_SECONDS'),
      max: constant('MAX_LIFETIME_SECONDS'),
    });
  });
});

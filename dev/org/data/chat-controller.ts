/**
 * force-app's `ChatController` (the Apex API of the websocketChat component), mirrored over the dev
 * org's records: same methods, same parameter names and Apex types, same limits and ordering, the
 * same `MessageView` / `ParticipantView` / `BridgeConnection` fields, and the same
 * `AuraHandledException` messages. Writes go through the DML layer, so the triggers announce them
 * exactly as for REST writes. `getBridgeConnection` signs with the dev org's bridge settings
 * (HS256, bridge-token.ts) where Apex signs with an org certificate.
 *
 * How the methods are called over HTTP (Aura's conversions, serialization, errors) is
 * aura-routes.ts's concern. The scenarios of force-app's chatScenarios static resource
 * run against this module (test/dev/org/scenarios.test.ts) and against the Apex (ChatScenarios_Tests).
 */
import { decodeJwt } from 'jose';
import type { Logger } from 'pino';
import type { ApexRequest } from './apex-request.js';
import { signBridgeToken } from './bridge-token.js';
import { defaultRoomId, messageReaderOf, readableRoomIds } from './rooms.js';
import { DmlError, type Dml } from './dml.js';
import type { ChatMessageRecord, OrgRecords, SampleUser } from './records.js';
import { CHAT_MESSAGE_FIELDS, USER_FIELDS } from './sobjects.js';

/** `ChatController.DEFAULT_MESSAGE_LIMIT`: messages returned when no (or a < 1) limit is given. */
export const DEFAULT_MESSAGE_LIMIT = 50;
/** `ChatController.MAX_MESSAGE_LIMIT`: most messages one call returns. */
export const MAX_MESSAGE_LIMIT = 200;
/** `ChatController.MAX_CONTENT_LENGTH`: longest message accepted, characters (after trimming). */
export const MAX_CONTENT_LENGTH = 32_768;
/** `ChatController.MAX_ACTIVE_USERS`: most users getActiveUsers returns. */
export const MAX_ACTIVE_USERS = 500;

/** `ChatBridgeTokenService` lifetime rule: default and bounds of the token lifetime, seconds. */
export const TOKEN_LIFETIME_SECONDS = { default: 300, min: 60, max: 3600 } as const;

/** The messages of the AuraHandledExceptions `ChatController` throws (word for word). */
export const CONTROLLER_MESSAGES = {
  blankMessage: 'Type a message before sending.',
  tooLong: (length: number) => `Your message is ${length} characters long; the limit is ${MAX_CONTENT_LENGTH}.`,
  notSent: (dmlMessage: string) => `Your message could not be sent: ${dmlMessage}`,
  sinceMissing: 'Tell which moment to load messages since.',
  idsMissing: 'Tell which messages to load.',
  tooManyIds: (count: number) => `Asked for ${count} messages at once; the limit is ${MAX_MESSAGE_LIMIT}.`,
  presenceFailed: (active: boolean, dmlMessage: string) => `Could not ${active ? 'enter' : 'leave'} the chat: ${dmlMessage}`,
  /** `ChatBridgeTokenService.getSettings` when there is no bridge URL. */
  bridgeNotConfigured: 'The chat bridge is not configured: add a Bridge URL to the Chat Bridge Setting "Default".',
} as const;

/** `ChatController.MessageView`: one message as the component shows it. Datetimes ISO 8601 UTC. */
export interface MessageView {
  id: string;
  content: string | null;
  userId: string | null;
  userName: string | null;
  photoUrl: string | null;
  createdDate: string;
  lastModifiedDate: string;
}

/** `ChatController.ParticipantView`: one user in the chat room. */
export interface ParticipantView {
  id: string;
  name: string;
  photoUrl: string;
}

/** `ChatController.BridgeConnection`: where and how the browser connects to the bridge. */
export interface BridgeConnection {
  url: string;
  token: string;
}

/** What `getBridgeConnection` answers with: the dev org's stand-in for `Chat_Bridge_Setting__mdt`. */
export interface BridgeSettings {
  /** Bridge URL (`Bridge_URL__c`). */
  url: string;
  /** HS256 secret the bridge verifies browser tokens with (`CHAT_TOKEN_SECRET`). */
  tokenSecret: string;
  /** `aud` of the tokens (`Audience__c`, the bridge's `CHAT_TOKEN_AUDIENCE`). */
  audience: string;
  /** Token lifetime, seconds (`Token_Lifetime_Seconds__c`): default 300, clamped to 60–3600 like the Apex. */
  tokenLifetimeSeconds?: number;
}

/** An `AuraHandledException`: its message is meant for the user. */
export class AuraHandledError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuraHandledError';
  }
}

/** The Apex types of the controller's parameters. */
export type ApexParamType = 'Integer' | 'Datetime' | 'String' | 'Id' | 'List<Id>';

/**
 * Parameter values after Aura's conversion: Integer → number, Datetime → Date, String → string,
 * Id → its 18-character form, List<Id> → 18-character ids; absent → null.
 */
export type ApexArgs = Readonly<Record<string, number | Date | string | readonly string[] | null>>;

/** One `@AuraEnabled` method: its parameters (name → Apex type, in order) and its body. */
export interface ApexMethod {
  readonly params: Readonly<Record<string, ApexParamType>>;
  /**
   * Runs the method in `request` (its user is the running user; its DML publishes with its
   * quiddity and request id); the value is what Apex returns (`undefined` for void).
   */
  invoke(args: ApexArgs, request: ApexRequest): unknown;
}

/** What the controller works on. */
export interface ChatControllerDeps {
  records: OrgRecords;
  dml: Dml;
  orgId: string;
  /** The bridge settings now (set once the bridge listens), or `undefined`. */
  bridge: () => BridgeSettings | undefined;
  logger: Logger;
  /**
   * Cap of getActiveUsers, default {@link MAX_ACTIVE_USERS}. Only the shared scenarios lower it
   * (chatScenarios `given.limits.maxActiveUsers`), as ChatScenarios_Tests lowers the Apex's
   * `activeUsersLimit`, so that neither needs 501 users to show the cap.
   */
  maxActiveUsers?: number;
}

/**
 * `String.trim()` of Apex (Java's): removes leading and trailing characters up to U+0020, no others.
 */
export function apexTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start += 1;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end -= 1;
  return text.slice(start, end);
}

/** `String.isBlank()` of Apex: empty or only white space (Java's `Character.isWhitespace`; no-break spaces are not). */
export function apexIsBlank(text: string): boolean {
  return /^[\t\n\u000B\f\r\u001C-\u001F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]*$/.test(text);
}

/** SOQL `ORDER BY Name` on text: case-insensitive. */
const byName = (a: SampleUser, b: SampleUser) => a.Name.localeCompare(b.Name, 'en', { sensitivity: 'accent' });

/** A signed token as `ChatBridgeTokenService` issues it, with the bridge URL and the token's expiry. */
export interface IssuedToken {
  url: string;
  token: string;
  /** The token's `exp`, whole seconds. */
  expiresAt: Date;
}

/**
 * `ChatBridgeTokenService.getSettings()` + `issueToken(scope)`: the running user's token with the
 * settings' audience and clamped lifetime, and `scope` when given (an admin token).
 * @throws AuraHandledError with `ChatBridgeTokenService`'s message when no bridge URL is configured.
 */
export async function issueToken(options: {
  settings: BridgeSettings | undefined;
  user: SampleUser;
  orgId: string;
  scope?: string;
  /** The `rooms` claim (contract 2.3.0): `ChatRoomService.readableRoomIds()` of the user. */
  rooms: readonly string[];
  log: Logger;
}): Promise<IssuedToken> {
  const { settings, user } = options;
  if (!settings || settings.url.trim() === '') {
    options.log.warn('no bridge settings yet (DevOrg.setBridge): the token service refuses');
    throw new AuraHandledError(CONTROLLER_MESSAGES.bridgeNotConfigured);
  }
  const seconds = settings.tokenLifetimeSeconds ?? TOKEN_LIFETIME_SECONDS.default;
  const lifetime = Math.min(TOKEN_LIFETIME_SECONDS.max, Math.max(TOKEN_LIFETIME_SECONDS.min, Math.trunc(seconds)));
  const token = await signBridgeToken(
    { userId: user.Id, name: user.Name, orgId: options.orgId },
    { secret: settings.tokenSecret, audience: settings.audience, lifetimeMs: lifetime * 1000, scope: options.scope, rooms: options.rooms },
  );
  // ChatBridgeTokenService.expiryOf: the signed token's own exp.
  return { url: settings.url, token, expiresAt: new Date((decodeJwt(token).exp ?? 0) * 1000) };
}

/** `ChatController.MessageView` of a message: its text, author name and photo, dates. */
export function messageView(records: OrgRecords, message: ChatMessageRecord): MessageView {
  const author = message.User__c === null ? undefined : records.user(message.User__c);
  return {
    id: message.Id,
    content: message.Content__c,
    userId: message.User__c,
    userName: author?.Name ?? null,
    photoUrl: author?.SmallPhotoUrl ?? null,
    createdDate: message.CreatedDate,
    lastModifiedDate: message.LastModifiedDate,
  };
}

/**
 * Creates the `@AuraEnabled` methods of `ChatController`, keyed by their Apex names.
 * Methods throw {@link AuraHandledError} where the Apex throws AuraHandledException.
 */
export function createChatController(deps: ChatControllerDeps): Readonly<Record<string, ApexMethod>> {
  const { records, dml } = deps;
  // Queries run WITH USER_MODE: a message of a room the running user cannot read is not returned.
  const visibleMessages = (userId: string) => records.messages().filter(messageReaderOf(records, userId));
  const maxActiveUsers = deps.maxActiveUsers ?? MAX_ACTIVE_USERS;
  const log = deps.logger.child({ module: 'chat-controller' });

  const view = (message: ChatMessageRecord): MessageView => messageView(records, message);

  const runningUser = (userId: string): SampleUser => {
    const user = records.user(userId);
    if (!user) throw new Error(`The session's user ${userId} does not exist`);
    return user;
  };

  const setChatActive = (active: boolean, request: ApexRequest): void => {
    const current = runningUser(request.userId);
    if (current.Chat_Active__c === active) return;
    try {
      dml.updateUsers([{ id: current.Id, fields: { [USER_FIELDS.chatActive]: active } }], { ...request, userId: current.Id });
    } catch (err) {
      if (err instanceof DmlError) throw new AuraHandledError(CONTROLLER_MESSAGES.presenceFailed(active, err.errors[0]?.message ?? ''));
      throw err;
    }
  };

  return {
    getRecentMessages: {
      params: { maxMessages: 'Integer' },
      invoke(args, request) {
        const max = args.maxMessages as number | null;
        const size = max === null || max < 1 ? DEFAULT_MESSAGE_LIMIT : Math.min(max, MAX_MESSAGE_LIMIT);
        // WHERE Room__c = :defaultRoomId ORDER BY CreatedDate DESC, Id DESC LIMIT size, then returned oldest first.
        const roomId = defaultRoomId(records, request.userId);
        return visibleMessages(request.userId).filter((m) => m.Room__c === roomId).slice(-size).map(view);
      },
    },
    getMessagesSince: {
      params: { since: 'Datetime' },
      invoke(args, request) {
        const since = args.since as Date | null;
        if (since === null) throw new AuraHandledError(CONTROLLER_MESSAGES.sinceMissing);
        const after = since.getTime();
        return visibleMessages(request.userId)
          .filter((m) => Date.parse(m.CreatedDate) > after)
          .slice(0, MAX_MESSAGE_LIMIT)
          .map(view);
      },
    },
    getMessagesByIds: {
      params: { messageIds: 'List<Id>' },
      invoke(args, request) {
        const ids = args.messageIds as readonly string[] | null;
        if (ids === null || ids.length === 0) throw new AuraHandledError(CONTROLLER_MESSAGES.idsMissing);
        // A Set<Id>: 15- and 18-character forms of one id are one id.
        const wanted = new Set(ids.map((id) => id.slice(0, 15)));
        if (wanted.size > MAX_MESSAGE_LIMIT) throw new AuraHandledError(CONTROLLER_MESSAGES.tooManyIds(wanted.size));
        // WHERE Id IN :wanted ORDER BY CreatedDate ASC, Id ASC; the recycle bin is not queried.
        return visibleMessages(request.userId)
          .filter((m) => wanted.has(m.Id.slice(0, 15)))
          .map(view);
      },
    },
    getActiveUsers: {
      params: {},
      invoke() {
        return records
          .users()
          .filter((u) => u.Chat_Active__c && u.IsActive)
          .sort(byName)
          .slice(0, maxActiveUsers)
          .map((u): ParticipantView => ({ id: u.Id, name: u.Name, photoUrl: u.SmallPhotoUrl }));
      },
    },
    enterChat: {
      params: {},
      invoke(_args, request) {
        setChatActive(true, request);
      },
    },
    leaveChat: {
      params: {},
      invoke(_args, request) {
        setChatActive(false, request);
      },
    },
    postMessage: {
      params: { content: 'String' },
      invoke(args, request) {
        const content = args.content as string | null;
        const text = content === null ? '' : apexTrim(content);
        if (apexIsBlank(text)) throw new AuraHandledError(CONTROLLER_MESSAGES.blankMessage);
        if (text.length > MAX_CONTENT_LENGTH) throw new AuraHandledError(CONTROLLER_MESSAGES.tooLong(text.length));
        try {
          const [saved] = dml.insertMessages([{ [CHAT_MESSAGE_FIELDS.content]: text }], { ...request, userId: runningUser(request.userId).Id });
          return view(saved!);
        } catch (err) {
          if (err instanceof DmlError) throw new AuraHandledError(CONTROLLER_MESSAGES.notSent(err.errors[0]?.message ?? ''));
          throw err;
        }
      },
    },
    getBridgeConnection: {
      params: {},
      async invoke(_args, request): Promise<BridgeConnection> {
        const user = runningUser(request.userId);
        const { url, token } = await issueToken({ settings: deps.bridge(), user, orgId: deps.orgId, rooms: readableRoomIds(records, user.Id), log });
        return { url, token };
      },
    },
  };
}

/**
 * `ChatRoomController` of force-app, mirrored for the dev org: what the chat component will call for
 * rooms (contract 2.3.0). Access is decided by the room service (rooms.ts, `ChatRoomService`'s
 * rules); message reads and posts are scoped to a room the running user may read. Errors the Apex
 * reports as AuraHandledException are {@link AuraHandledError}s with the same messages.
 */
import {
  AuraHandledError,
  CONTROLLER_MESSAGES,
  DEFAULT_MESSAGE_LIMIT,
  MAX_CONTENT_LENGTH,
  MAX_MESSAGE_LIMIT,
  apexIsBlank,
  apexTrim,
  messageView,
  type ApexMethod,
} from './chat-controller.js';
import { DmlError, type Dml } from './dml.js';
import type { OrgRecords } from './records.js';
import { createRoomService, RoomError } from './rooms.js';
import { CHAT_MESSAGE_FIELDS } from './sobjects.js';

/** What the controller works on. */
export interface ChatRoomControllerDeps {
  records: OrgRecords;
  dml: Dml;
}

/** Creates the `@AuraEnabled` methods of `ChatRoomController`, keyed by their Apex names. */
export function createChatRoomController(deps: ChatRoomControllerDeps): Readonly<Record<string, ApexMethod>> {
  const { records, dml } = deps;
  const rooms = createRoomService(records, dml);
  // ChatRoomService.ChatRoomException → AuraHandledException with its message.
  const aura = <T>(body: () => T): T => {
    try {
      return body();
    } catch (err) {
      if (err instanceof RoomError) throw new AuraHandledError(err.message);
      throw err;
    }
  };
  const inRoom = (userId: string, roomId: unknown) => {
    const room = aura(() => rooms.requireReadable(userId, roomId));
    return records.messages().filter((m) => m.Room__c === room.Id);
  };

  return {
    listRooms: { params: {}, invoke: (_args, request) => rooms.listRooms(request.userId) },
    createRoom: {
      params: { name: 'String', roomType: 'String', memberIds: 'List<Id>' },
      invoke: (args, request) => aura(() => rooms.createRoom(request, args.name, args.roomType, args.memberIds)),
    },
    addMembers: {
      params: { roomId: 'Id', userIds: 'List<Id>' },
      invoke: (args, request) => aura(() => rooms.addMembers(request, args.roomId, args.userIds)),
    },
    joinRoom: { params: { roomId: 'Id' }, invoke: (args, request) => aura(() => rooms.joinRoom(request, args.roomId)) },
    leaveRoom: { params: { roomId: 'Id' }, invoke: (args, request) => rooms.leaveRoom(request, args.roomId) },
    openRecordRoom: { params: { recordId: 'Id' }, invoke: (args, request) => aura(() => rooms.openRecordRoom(request, args.recordId)) },
    markRead: { params: { roomId: 'Id' }, invoke: (args, request) => aura(() => new Date(rooms.markRead(request, args.roomId))) },
    getRecentMessages: {
      params: { roomId: 'Id', maxMessages: 'Integer' },
      invoke(args, request) {
        const max = args.maxMessages as number | null;
        const size = max === null || max < 1 ? DEFAULT_MESSAGE_LIMIT : Math.min(max, MAX_MESSAGE_LIMIT);
        return inRoom(request.userId, args.roomId).slice(-size).map((m) => messageView(records, m));
      },
    },
    getMessagesByIds: {
      params: { roomId: 'Id', messageIds: 'List<Id>' },
      invoke(args, request) {
        const messages = inRoom(request.userId, args.roomId);
        const ids = args.messageIds as readonly string[] | null;
        if (ids === null || ids.length === 0) throw new AuraHandledError(CONTROLLER_MESSAGES.idsMissing);
        const wanted = new Set(ids.map((id) => id.slice(0, 15)));
        if (wanted.size > MAX_MESSAGE_LIMIT) throw new AuraHandledError(CONTROLLER_MESSAGES.tooManyIds(wanted.size));
        return messages.filter((m) => wanted.has(m.Id.slice(0, 15))).map((m) => messageView(records, m));
      },
    },
    postMessage: {
      params: { roomId: 'Id', content: 'String' },
      invoke(args, request) {
        const room = aura(() => rooms.requireReadable(request.userId, args.roomId));
        const content = args.content as string | null;
        const text = content === null ? '' : apexTrim(content);
        if (apexIsBlank(text)) throw new AuraHandledError(CONTROLLER_MESSAGES.blankMessage);
        if (text.length > MAX_CONTENT_LENGTH) throw new AuraHandledError(CONTROLLER_MESSAGES.tooLong(text.length));
        try {
          const [saved] = dml.insertMessages([{ [CHAT_MESSAGE_FIELDS.content]: text, [CHAT_MESSAGE_FIELDS.room]: room.Id }], request);
          return messageView(records, saved!);
        } catch (err) {
          if (err instanceof DmlError) throw new AuraHandledError(CONTROLLER_MESSAGES.notSent(err.errors[0]?.message ?? ''));
          throw err;
        }
      },
    },
  };
}

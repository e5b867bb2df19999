/**
 * The room list logic of websocketChat, without a template so it is tested on its own and runs in
 * LWC OSS unchanged: Salesforce id comparison, the order rooms are listed in, unread bookkeeping
 * and which room actions apply. Every function is pure: it returns a new list and never changes the
 * one it is given, so the component only assigns results.
 *
 * A room is a ChatRoomController.listRooms RoomView:
 * `{ id, name, type: 'Public'|'Private'|'Record', recordId, isDefault, isMember, present, unreadCount }`.
 * Unread counts start from ChatRoomService's (messages of others since the member last read the
 * room; 0 where the user is no member) and rise by one per message of someone else created in a
 * room not shown. Read marks are kept for members only (ChatRoomController.markRead would make a
 * membership, and "Join room" would never apply), see {@link needsReadMark}.
 */
/** The event type that counts as an unread message (a Chat_Event__e.Type__c of c/chatEventTypes). */
const MESSAGE_CREATED = 'MESSAGE_CREATED';

/** `Chat_Room__c.Type__c` values (ChatRoomService.TYPE_*). */
export const RoomType = Object.freeze({ PUBLIC: 'Public', PRIVATE: 'Private', RECORD: 'Record' });

/**
 * The case-sensitive 15-character form of a Salesforce id, the part that names the record (the
 * 18-character form only adds a checksum of its casing).
 * @param {*} id Id (15 or 18 characters), or anything else.
 * @returns {string} The 15-character key; '' for a missing id.
 */
export function idKey(id) {
    return id ? String(id).slice(0, 15) : '';
}

/**
 * Same record? Compares the 15-character forms of two ids.
 * @param {string} a Id (15 or 18 characters).
 * @param {string} b Id (15 or 18 characters).
 * @returns {boolean} true when both name the same record; false when either is missing.
 */
export function sameId(a, b) {
    return !!a && !!b && idKey(a) === idKey(b);
}

/**
 * The room with this id.
 * @param {object[]} rooms RoomViews.
 * @param {string} roomId Id (15 or 18 characters).
 * @returns {object|undefined} The room, or undefined when the list does not hold it.
 */
export function findRoom(rooms, roomId) {
    return (rooms || []).find((room) => sameId(room.id, roomId));
}

function rankOf(room) {
    if (room.isDefault) {
        return 0;
    }
    return room.isMember ? 1 : 2;
}

/**
 * The order the room list shows, as ChatRoomService lists readable rooms: the default room, then
 * the rooms the user is a member of, then other public rooms; by name (then id) within each.
 * @param {object[]} rooms RoomViews.
 * @returns {object[]} A sorted copy.
 */
export function orderRooms(rooms) {
    return [...(rooms || [])].sort((a, b) => {
        const rank = rankOf(a) - rankOf(b);
        if (rank !== 0) {
            return rank;
        }
        const byName = String(a.name).localeCompare(String(b.name));
        return byName !== 0 ? byName : String(a.id).localeCompare(String(b.id));
    });
}

/**
 * The room to start in: the default room, else the first one.
 * @param {object[]} rooms RoomViews.
 * @returns {object|undefined} The room, or undefined for an empty list.
 */
export function startingRoom(rooms) {
    const list = rooms || [];
    return list.find((room) => room.isDefault) || list[0];
}

function withRoom(rooms, roomId, change) {
    let changed = false;
    const next = rooms.map((room) => {
        if (!sameId(room.id, roomId)) {
            return room;
        }
        changed = true;
        return { ...room, ...change(room) };
    });
    return changed ? next : rooms;
}

/**
 * One more unread message, when a `chat:event` of another room says a message of someone else was
 * created in a room of the list.
 * @param {object[]} rooms RoomViews.
 * @param {{type?: string, roomId?: string, userId?: string}} event The forwarded Chat_Event__e.
 * @param {{currentRoomId?: string, currentUserId: string}} context The room shown and the running user.
 * @returns {object[]} The rooms with that room's count raised, or the same list when nothing counts.
 */
export function countUnread(rooms, event, context) {
    if (!event || event.type !== MESSAGE_CREATED) {
        return rooms;
    }
    if (!event.roomId || sameId(event.roomId, context.currentRoomId) || sameId(event.userId, context.currentUserId)) {
        return rooms;
    }
    if (!findRoom(rooms, event.roomId)) {
        return rooms;
    }
    return withRoom(rooms, event.roomId, (found) => ({ unreadCount: (found.unreadCount || 0) + 1 }));
}

/**
 * The room was read (opened, or left for another): no unread messages.
 * @param {object[]} rooms RoomViews.
 * @param {string} roomId The room read.
 * @returns {object[]} The updated rooms.
 */
export function markRoomRead(rooms, roomId) {
    return withRoom(rooms, roomId, () => ({ unreadCount: 0 }));
}

/**
 * Whether reading a room is written to Salesforce (ChatRoomController.markRead): for members only.
 * For anyone else markRead would create a membership, so a public room merely looked at would
 * count as joined.
 * @param {object[]} rooms RoomViews.
 * @param {string} roomId The room read.
 * @returns {boolean} true when the read mark should be saved.
 */
export function needsReadMark(rooms, roomId) {
    const room = findRoom(rooms, roomId);
    return !!room && !!room.isMember;
}

/**
 * The list after a reload through listRooms: Apex's rooms in list order, the shown room counted as
 * read (its messages are on screen; it is marked read when the user leaves it).
 * @param {object[]} fetched RoomViews from listRooms.
 * @param {string} currentRoomId The room shown.
 * @returns {object[]} The rooms to show.
 */
export function roomsFromApex(fetched, currentRoomId) {
    const rooms = (fetched || []).map((room) => ({ ...room, unreadCount: Number(room.unreadCount) || 0 }));
    return orderRooms(currentRoomId ? withRoom(rooms, currentRoomId, () => ({ unreadCount: 0 })) : rooms);
}

/**
 * Whether the user can join the room: a public room they are not a member of.
 * @param {object} room RoomView, or undefined.
 * @returns {boolean} true when "Join room" applies.
 */
export function canJoin(room) {
    return !!room && room.type === RoomType.PUBLIC && !room.isMember;
}

/**
 * Whether the user can leave the room: a member, and not of the default room (everyone reads it).
 * @param {object} room RoomView, or undefined.
 * @returns {boolean} true when "Leave room" applies.
 */
export function canLeave(room) {
    return !!room && !!room.isMember && !room.isDefault;
}

/**
 * The people a new room can be created with: everyone the component knows of (the people in the
 * chat and the authors of the messages shown), except the running user, once each, by name.
 * @param {{id: string, name: string}[]} users ChatController.getActiveUsers' ParticipantViews.
 * @param {{userId: string, userName: string}[]} messages MessageViews shown.
 * @param {string} currentUserId The running user.
 * @returns {{id: string, name: string}[]} The choices, sorted by name.
 */
export function memberChoices(users, messages, currentUserId) {
    const people = new Map();
    const add = (id, name) => {
        if (id && name && !sameId(id, currentUserId) && !people.has(idKey(id))) {
            people.set(idKey(id), { id, name });
        }
    };
    (users || []).forEach((user) => add(user.id, user.name));
    (messages || []).forEach((message) => add(message.userId, message.userName));
    return [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * c/chatRooms: the room list rules websocketChat relies on — id comparison, list order, unread
 * counting and clearing, which actions apply, and whom a new room can be created with.
 */
import {
    canJoin,
    canLeave,
    countUnread,
    findRoom,
    idKey,
    markRoomRead,
    memberChoices,
    needsReadMark,
    orderRooms,
    roomsFromApex,
    sameId,
    startingRoom
} from 'c/chatRooms';

const ME = '005000000000001AAA';
const ANA = '005000000000002AAA';

const room = (id, name, extra = {}) => ({
    id,
    name,
    type: 'Public',
    recordId: null,
    isDefault: false,
    isMember: true,
    present: false,
    unreadCount: 0,
    ...extra
});
const general = room('a0R000000000001AAA', 'General', { isDefault: true });
const dealDesk = room('a0R000000000002AAA', 'Deal Desk', { type: 'Private' });
const launch = room('a0R000000000003AAA', 'Launch', { isMember: false });

describe('c/chatRooms', () => {
    it('compares ids by their 15-character form', () => {
        expect(idKey('a0R000000000001AAA')).toBe('a0R000000000001');
        expect(idKey(null)).toBe('');
        expect(sameId('a0R000000000001AAA', 'a0R000000000001')).toBe(true);
        expect(sameId('a0R000000000001AAA', 'a0r000000000001AAA')).toBe(false);
        expect(sameId(null, null)).toBe(false);
        expect(findRoom([general, dealDesk], 'a0R000000000002')).toBe(dealDesk);
    });

    it('lists the default room, then member rooms, then other public rooms, by name', () => {
        const zeta = room('a0R000000000004AAA', 'Zeta');
        expect(orderRooms([launch, zeta, general, dealDesk]).map((r) => r.name)).toEqual(['General', 'Deal Desk', 'Zeta', 'Launch']);
    });

    it('starts in the default room, else the first', () => {
        expect(startingRoom([dealDesk, general])).toBe(general);
        expect(startingRoom([dealDesk])).toBe(dealDesk);
        expect(startingRoom([])).toBeUndefined();
    });

    it('counts a message of someone else created in another room of the list, nothing else', () => {
        const rooms = [general, dealDesk, launch];
        const context = { currentRoomId: general.id, currentUserId: ME };
        const created = (roomId, userId = ANA, type = 'MESSAGE_CREATED') => ({ type, roomId, userId, recordId: 'a01A' });

        const counted = countUnread(rooms, created(dealDesk.id.slice(0, 15)), context);
        expect(findRoom(counted, dealDesk.id).unreadCount).toBe(1);
        expect(findRoom(countUnread(counted, created(dealDesk.id), context), dealDesk.id).unreadCount).toBe(2);
        expect(rooms[1].unreadCount).toBe(0);

        // also in a public room one is no member of: the message is there to read
        expect(findRoom(countUnread(rooms, created(launch.id), context), launch.id).unreadCount).toBe(1);

        // the room shown, one's own message, edits, org-wide and unknown rooms: unchanged
        expect(countUnread(rooms, created(general.id), context)).toBe(rooms);
        expect(countUnread(rooms, created(dealDesk.id, ME.slice(0, 15)), context)).toBe(rooms);
        expect(countUnread(rooms, created(dealDesk.id, ANA, 'MESSAGE_UPDATED'), context)).toBe(rooms);
        expect(countUnread(rooms, created(null), context)).toBe(rooms);
        expect(countUnread(rooms, created('a0R000000000009AAA'), context)).toBe(rooms);
        expect(countUnread(rooms, undefined, context)).toBe(rooms);
    });

    it('clears a room read; saves read marks for members only (markRead would make one)', () => {
        const rooms = markRoomRead([{ ...launch, unreadCount: 3 }, dealDesk], launch.id);
        expect(rooms[0]).toEqual({ ...launch, unreadCount: 0 });
        expect(needsReadMark(rooms, dealDesk.id)).toBe(true);
        expect(needsReadMark(rooms, launch.id)).toBe(false);
        expect(needsReadMark(rooms, 'a0R000000000009AAA')).toBe(false);
    });

    it('takes Apex’s list, the room shown counted as read', () => {
        const rooms = roomsFromApex([{ ...dealDesk, unreadCount: 2 }, { ...general, unreadCount: 5 }], general.id);
        expect(rooms.map((r) => [r.name, r.unreadCount])).toEqual([
            ['General', 0],
            ['Deal Desk', 2]
        ]);
        expect(roomsFromApex(null, general.id)).toEqual([]);
    });

    it('offers Join for public rooms one is not in, Leave for member rooms but the default', () => {
        expect(canJoin(launch)).toBe(true);
        expect(canJoin(general)).toBe(false);
        expect(canJoin({ ...dealDesk, isMember: false })).toBe(false);
        expect(canLeave(dealDesk)).toBe(true);
        expect(canLeave(general)).toBe(false);
        expect(canLeave(launch)).toBe(false);
        expect(canJoin(undefined) || canLeave(undefined)).toBe(false);
    });

    it('offers everyone known as members, once each, by name, never oneself', () => {
        const users = [
            { id: ME, name: 'Current User' },
            { id: ANA, name: 'Ana Alvarez' }
        ];
        const messages = [
            { userId: ANA.slice(0, 15), userName: 'Ana Alvarez' },
            { userId: '005000000000004AAA', userName: 'Chen Cho' },
            { userId: '005000000000003AAA', userName: 'Ben Brown' }
        ];
        expect(memberChoices(users, messages, ME)).toEqual([
            { id: ANA, name: 'Ana Alvarez' },
            { id: '005000000000003AAA', name: 'Ben Brown' },
            { id: '005000000000004AAA', name: 'Chen Cho' }
        ]);
    });
});

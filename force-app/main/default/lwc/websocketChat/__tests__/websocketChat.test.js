/**
 * websocketChat against a fake socket.io (force-app/test/jest-mocks/socketIo.js, driven through
 * socketIoMock like ebikes' empApiMock) and mocked Apex: what a user sees and what the component
 * sends, with its real children (c-chat-message-list, c-chat-participants, c-chat-composer) in place,
 * so the room is queried through their shadow roots as a user sees it whole. The component may only
 * ever emit typing:start / typing:stop; refreshes come from Apex.
 */
import { createElement } from '@lwc/engine-dom';
import WebsocketChat from 'c/websocketChat';
import { loadScript } from 'lightning/platformResourceLoader';
import { socketIoMock } from 'socketIoMock';
import getActiveUsers from '@salesforce/apex/ChatController.getActiveUsers';
import enterChat from '@salesforce/apex/ChatController.enterChat';
import leaveChat from '@salesforce/apex/ChatController.leaveChat';
import getBridgeConnection from '@salesforce/apex/ChatController.getBridgeConnection';
import listRooms from '@salesforce/apex/ChatRoomController.listRooms';
import createRoom from '@salesforce/apex/ChatRoomController.createRoom';
import addMembers from '@salesforce/apex/ChatRoomController.addMembers';
import joinRoom from '@salesforce/apex/ChatRoomController.joinRoom';
import leaveRoom from '@salesforce/apex/ChatRoomController.leaveRoom';
import openRecordRoom from '@salesforce/apex/ChatRoomController.openRecordRoom';
import markRead from '@salesforce/apex/ChatRoomController.markRead';
import getRecentMessages from '@salesforce/apex/ChatRoomController.getRecentMessages';
import getMessagesByIds from '@salesforce/apex/ChatRoomController.getMessagesByIds';
import postMessage from '@salesforce/apex/ChatRoomController.postMessage';

const mockRecentMessages = require('./data/getRecentMessages.json');
const mockActiveUsers = require('./data/getActiveUsers.json');
const mockBridgeConnection = require('./data/getBridgeConnection.json');
const mockPostMessage = require('./data/postMessage.json');
const mockRooms = require('./data/listRooms.json');

jest.mock('@salesforce/apex/ChatController.getActiveUsers', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatController.enterChat', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatController.leaveChat', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatController.getBridgeConnection', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatRoomController.listRooms', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatRoomController.createRoom', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatRoomController.addMembers', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatRoomController.joinRoom', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatRoomController.leaveRoom', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatRoomController.openRecordRoom', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatRoomController.markRead', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatRoomController.getRecentMessages', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatRoomController.getMessagesByIds', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ChatRoomController.postMessage', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/user/Id', () => ({ default: '005000000000001AAA' }), { virtual: true });
jest.mock('@salesforce/resourceUrl/socketiojs', () => ({ default: '/resource/1700000000000/socketiojs' }), {
    virtual: true
});

const CURRENT_USER_ID = '005000000000001AAA';
const [GENERAL, DEAL_DESK, ACME_ROOM, LAUNCH] = mockRooms.map((room) => room.id);
const ALLOWED_EMITS = ['typing:start', 'typing:stop'];

/** An unsigned JWT-shaped token whose exp is `secondsAhead` from now. */
function tokenExpiringIn(secondsAhead) {
    const claims = { sub: CURRENT_USER_ID, exp: Math.floor(Date.now() / 1000) + secondsAhead };
    const payload = btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    return `eyJhbGciOiJSUzI1NiJ9.${payload}.signature`;
}

async function flushPromises() {
    for (let i = 0; i < 25; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

/** Lets the coalescing window pass and the refresh it triggers settle. */
async function settleRefresh() {
    jest.advanceTimersByTime(1000);
    await flushPromises();
}

async function renderChat(props = {}) {
    const element = createElement('c-websocket-chat', { is: WebsocketChat });
    Object.assign(element, props);
    document.body.appendChild(element);
    await flushPromises();
    return element;
}

async function renderConnectedChat() {
    const element = await renderChat();
    socketIoMock.fireMockConnect();
    await settleRefresh();
    getRecentMessages.mockClear();
    getActiveUsers.mockClear();
    return element;
}

/** Every match of `selector` in `root` and in the shadow trees below it (the child components'). */
function deepQueryAll(root, selector) {
    const nested = [...root.querySelectorAll('*')].filter((node) => node.shadowRoot);
    return [...root.querySelectorAll(selector), ...nested.flatMap((node) => deepQueryAll(node.shadowRoot, selector))];
}

function q(element, dataId) {
    return deepQueryAll(element.shadowRoot, `[data-id="${dataId}"]`)[0] || null;
}

function qa(element, dataId) {
    return deepQueryAll(element.shadowRoot, `[data-id="${dataId}"]`);
}

/** sa11y's axe run refuses fake timers; the rest of the test no longer needs them. */
async function expectAccessible(element) {
    jest.useRealTimers();
    await expect(element).toBeAccessible();
}

function typeDraft(element, value) {
    const textarea = q(element, 'draft');
    textarea.value = value;
    textarea.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

function pressKey(element, key, init = {}) {
    const event = new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...init });
    q(element, 'draft').dispatchEvent(event);
    return event;
}

describe('c-websocket-chat', () => {
    beforeEach(() => {
        jest.useFakeTimers();
        socketIoMock.resetMock();
        getRecentMessages.mockResolvedValue(mockRecentMessages);
        getMessagesByIds.mockResolvedValue([]);
        getActiveUsers.mockResolvedValue(mockActiveUsers);
        getBridgeConnection.mockImplementation(() =>
            Promise.resolve({ ...mockBridgeConnection, token: tokenExpiringIn(300) })
        );
        postMessage.mockResolvedValue(mockPostMessage);
        enterChat.mockResolvedValue(undefined);
        leaveChat.mockResolvedValue(undefined);
        listRooms.mockResolvedValue(mockRooms);
        markRead.mockResolvedValue('2026-11-29T10:00:00.000Z');
        joinRoom.mockResolvedValue(undefined);
        leaveRoom.mockResolvedValue(undefined);
        openRecordRoom.mockResolvedValue(ACME_ROOM);
        createRoom.mockResolvedValue('a0R5g00000NeWrMAAA');
        addMembers.mockResolvedValue(1);
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
        jest.useRealTimers();
        delete window.io;
    });

    describe('loading', () => {
        it('shows history and the people in the chat from Apex', async () => {
            const element = await renderChat({ messageLimit: 25 });

            expect(getRecentMessages).toHaveBeenCalledWith({ roomId: GENERAL, maxMessages: 25 });
            expect(q(element, 'empty')).toBeNull();
            const contents = [...qa(element, 'content')].map((node) => node.textContent);
            expect(contents).toEqual(mockRecentMessages.map((message) => message.content));
            expect([...qa(element, 'author')].map((node) => node.textContent)).toEqual(['Ana Alvarez', 'Current User']);
            expect(qa(element, 'user')).toHaveLength(3);
            expect(q(element, 'user-count').textContent).toBe('3 people in the chat');
        });

        it('loads socket.io from the socketiojs static resource and connects with the Apex url and token', async () => {
            await renderChat();

            expect(loadScript).toHaveBeenCalledWith(expect.anything(), '/resource/1700000000000/socketiojs');
            expect(socketIoMock.sockets).toHaveLength(1);
            const socket = socketIoMock.socket;
            expect(socket.url).toBe('https://chat-bridge.example.com');
            const { token } = socket.handshakeAuth();
            expect(token.split('.')).toHaveLength(3);
            expect(token).toBe(await getBridgeConnection.mock.results[0].value.then((c) => c.token));
        });

        it('asks Apex for a sane number of messages whatever the builder property holds', async () => {
            await renderChat({ messageLimit: '500' });
            expect(getRecentMessages).toHaveBeenCalledWith({ roomId: GENERAL, maxMessages: 200 });
        });

        it('still shows history, an offline state and the error when socket.io cannot load', async () => {
            loadScript.mockRejectedValueOnce(new Error('Script load failed'));

            const element = await renderChat();

            expect(qa(element, 'message')).toHaveLength(2);
            expect(q(element, 'status').textContent).toBe('Offline');
            expect(q(element, 'errors').textContent).toContain('Script load failed');
            expect(socketIoMock.sockets).toHaveLength(0);
        });
    });

    describe('refreshing through Apex', () => {
        it('refreshes history and users on every (re)connect while it has no catch-up position', async () => {
            await renderChat();
            getRecentMessages.mockClear();
            getActiveUsers.mockClear();

            socketIoMock.fireMockConnect();
            await settleRefresh();
            expect(getRecentMessages).toHaveBeenCalledTimes(1);
            expect(getActiveUsers).toHaveBeenCalledTimes(1);

            socketIoMock.dropMockConnection();
            socketIoMock.fireMockConnect();
            await settleRefresh();
            expect(getRecentMessages).toHaveBeenCalledTimes(2);
            expect(getActiveUsers).toHaveBeenCalledTimes(2);
        });

        it('after a drop, catches up by seq instead of reloading; reloads everything on resync gap', async () => {
            await renderConnectedChat();
            socketIoMock.fireMockEvent('bridge:status', { upstream: 'connected', contractVersion: '2.1.0', epoch: 'e-1' });
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', seq: 41 });
            await settleRefresh();
            getRecentMessages.mockClear();
            getActiveUsers.mockClear();

            socketIoMock.dropMockConnection();
            socketIoMock.fireMockConnect();
            socketIoMock.fireMockEvent('bridge:status', { upstream: 'connected', contractVersion: '2.1.0', epoch: 'e-1' });
            await settleRefresh();
            expect(socketIoMock.socket.handshakes.slice(-1)[0]).toEqual(expect.objectContaining({ since: 41, epoch: 'e-1' }));
            expect(getRecentMessages).not.toHaveBeenCalled();
            expect(getActiveUsers).not.toHaveBeenCalled();

            // a caught-up event refreshes what it is about, like a live one: that message only
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_UPDATED', seq: 42, recordId: mockRecentMessages[0].id });
            await settleRefresh();
            expect(getMessagesByIds).toHaveBeenCalledWith({ roomId: GENERAL, messageIds: [mockRecentMessages[0].id] });
            expect(getRecentMessages).not.toHaveBeenCalled();
            expect(getActiveUsers).not.toHaveBeenCalled();

            socketIoMock.dropMockConnection();
            socketIoMock.fireMockConnect();
            socketIoMock.fireMockEvent('bridge:resync', { reason: 'gap' });
            await settleRefresh();
            expect(getRecentMessages).toHaveBeenCalledTimes(1);
            expect(getActiveUsers).toHaveBeenCalledTimes(1);
        });

        it('turns a burst of chat:event into one Apex call reading only the messages named', async () => {
            await renderConnectedChat();

            const ids = [];
            for (let i = 0; i < 20; i++) {
                ids.push(`a01${i}`);
                socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', recordId: `a01${i}`, userId: 'x' });
            }
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_UPDATED', recordId: 'a013', userId: 'x' });
            await settleRefresh();

            expect(getMessagesByIds).toHaveBeenCalledTimes(1);
            expect(getMessagesByIds).toHaveBeenCalledWith({ roomId: GENERAL, messageIds: ids });
            expect(getRecentMessages).not.toHaveBeenCalled();
            expect(getActiveUsers).not.toHaveBeenCalled();
        });

        it('reloads the whole history instead when more messages changed than it shows', async () => {
            await renderConnectedChat();

            for (let i = 0; i < 51; i++) {
                socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', recordId: `a01${i}`, userId: 'x' });
            }
            await settleRefresh();

            expect(getRecentMessages).toHaveBeenCalledTimes(1);
            expect(getMessagesByIds).not.toHaveBeenCalled();
        });

        it('adds a created message in order, replaces an updated one and removes a deleted one', async () => {
            const element = await renderConnectedChat();
            const [first, second] = mockRecentMessages;
            const contents = () => qa(element, 'message').map((node) => node.textContent);

            getMessagesByIds.mockResolvedValueOnce([mockPostMessage]);
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', recordId: mockPostMessage.id });
            await settleRefresh();
            expect(qa(element, 'message')).toHaveLength(3);
            expect(contents()[2]).toContain(mockPostMessage.content);

            getMessagesByIds.mockResolvedValueOnce([{ ...first, content: 'Edited: the demo is at eleven' }]);
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_UPDATED', recordId: first.id });
            await settleRefresh();
            expect(contents()[0]).toContain('Edited: the demo is at eleven');
            expect(qa(element, 'message')).toHaveLength(3);

            getMessagesByIds.mockResolvedValueOnce([]);
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_DELETED', recordId: second.id.slice(0, 15) });
            await settleRefresh();
            expect(contents().some((text) => text.includes(second.content.split('\n')[0]))).toBe(false);
            expect(qa(element, 'message')).toHaveLength(2);
            expect(getRecentMessages).not.toHaveBeenCalled();
        });

        it('merges message and presence events of one burst into one refresh of both', async () => {
            await renderConnectedChat();

            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_DELETED' });
            socketIoMock.fireMockEvent('chat:event', { type: 'USER_ENTERED' });
            socketIoMock.fireMockEvent('chat:event', { type: 'USER_LEFT' });
            await settleRefresh();

            expect(getRecentMessages).toHaveBeenCalledTimes(1);
            expect(getActiveUsers).toHaveBeenCalledTimes(1);
        });

        it('reloads everything on bridge:resync', async () => {
            await renderConnectedChat();

            socketIoMock.fireMockEvent('bridge:resync', { reason: 'replay-id-expired' });
            await settleRefresh();

            expect(getRecentMessages).toHaveBeenCalledTimes(1);
            expect(getActiveUsers).toHaveBeenCalledTimes(1);
        });

        it('shows new history after a refresh', async () => {
            const element = await renderConnectedChat();
            getRecentMessages.mockResolvedValue([...mockRecentMessages, mockPostMessage]);

            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED' });
            await settleRefresh();

            expect(qa(element, 'message')).toHaveLength(3);
        });

        it('reports a failed refresh through the error banner', async () => {
            const element = await renderConnectedChat();
            getMessagesByIds.mockRejectedValue({ body: { message: 'You do not have access to chat messages.' } });

            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', recordId: mockPostMessage.id });
            await settleRefresh();

            expect(q(element, 'errors').textContent).toContain('You do not have access to chat messages.');
        });
    });

    describe('typing', () => {
        it('names who is typing, never the current user', async () => {
            const element = await renderConnectedChat();
            const typing = () => q(element, 'typing').textContent;

            socketIoMock.fireMockEvent('typing', { userId: CURRENT_USER_ID, name: 'Current User', isTyping: true, roomId: GENERAL });
            await flushPromises();
            expect(typing()).toBe('');

            socketIoMock.fireMockEvent('typing', { userId: '005000000000002AAA', name: 'Ana', isTyping: true, roomId: GENERAL });
            await flushPromises();
            expect(typing()).toBe('Ana is typing…');

            socketIoMock.fireMockEvent('typing', { userId: '005000000000003AAA', name: 'Ben', isTyping: true, roomId: GENERAL });
            await flushPromises();
            expect(typing()).toBe('Ana and Ben are typing…');

            socketIoMock.fireMockEvent('typing', { userId: '005000000000004AAA', name: 'Cleo', isTyping: true, roomId: GENERAL });
            await flushPromises();
            expect(typing()).toBe('3 people are typing…');

            socketIoMock.fireMockEvent('typing', { userId: '005000000000003AAA', name: 'Ben', isTyping: false, roomId: GENERAL });
            socketIoMock.fireMockEvent('typing', { userId: '005000000000004AAA', name: 'Cleo', isTyping: false, roomId: GENERAL });
            await flushPromises();
            expect(typing()).toBe('Ana is typing…');

            jest.advanceTimersByTime(6000);
            await flushPromises();
            expect(typing()).toBe('');
        });

        it('matches the current user by 15-character id too', async () => {
            const element = await renderConnectedChat();

            socketIoMock.fireMockEvent('typing', { userId: CURRENT_USER_ID.slice(0, 15), name: 'Me', isTyping: true, roomId: GENERAL });
            await flushPromises();

            expect(q(element, 'typing').textContent).toBe('');
        });

        it('emits typing:start throttled while typing and typing:stop when idle', async () => {
            const element = await renderConnectedChat();

            typeDraft(element, 'H');
            typeDraft(element, 'He');
            typeDraft(element, 'Hel');
            expect(socketIoMock.emittedNames()).toEqual(['typing:start']);

            jest.advanceTimersByTime(3000);
            expect(socketIoMock.emittedNames()).toEqual(['typing:start', 'typing:stop']);
        });

        it('emits typing:stop on blur', async () => {
            const element = await renderConnectedChat();

            typeDraft(element, 'Hi');
            q(element, 'draft').dispatchEvent(new CustomEvent('blur'));

            expect(socketIoMock.emittedNames()).toEqual(['typing:start', 'typing:stop']);
        });
    });

    describe('sending', () => {
        it('sends on Enter through Apex, stops typing and clears the draft', async () => {
            const element = await renderConnectedChat();
            typeDraft(element, '  On my way  ');

            const event = pressKey(element, 'Enter');
            await flushPromises();

            expect(event.defaultPrevented).toBe(true);
            expect(postMessage).toHaveBeenCalledWith({ roomId: GENERAL, content: 'On my way' });
            expect(socketIoMock.emittedNames()).toEqual(['typing:start', 'typing:stop']);
            expect(q(element, 'draft').value).toBe('');
            expect([...qa(element, 'content')].map((n) => n.textContent)).toContain('On my way');
        });

        it('posts once when Enter is pressed again before Apex answers', async () => {
            let answer;
            postMessage.mockReturnValue(new Promise((resolve) => (answer = resolve)));
            const element = await renderConnectedChat();
            typeDraft(element, 'Hello');

            pressKey(element, 'Enter');
            pressKey(element, 'Enter');
            await flushPromises();
            expect(q(element, 'send').disabled).toBe(true);
            answer(mockPostMessage);
            await flushPromises();

            expect(postMessage).toHaveBeenCalledTimes(1);
            expect(q(element, 'draft').value).toBe('');
        });

        it('keeps Shift+Enter as a new line', async () => {
            const element = await renderConnectedChat();
            typeDraft(element, 'Line one');

            const event = pressKey(element, 'Enter', { shiftKey: true });
            await flushPromises();

            expect(event.defaultPrevented).toBe(false);
            expect(postMessage).not.toHaveBeenCalled();
        });

        it('does not send a blank draft', async () => {
            const element = await renderConnectedChat();
            typeDraft(element, '   ');

            pressKey(element, 'Enter');
            await flushPromises();

            expect(postMessage).not.toHaveBeenCalled();
            expect(q(element, 'send').disabled).toBe(true);
        });

        it('shows the Apex error when a message is refused', async () => {
            postMessage.mockRejectedValue({ body: { message: 'Your message is 40000 characters long; the limit is 32768.' } });
            const element = await renderConnectedChat();
            typeDraft(element, 'x');

            pressKey(element, 'Enter');
            await flushPromises();

            expect(q(element, 'errors').textContent).toContain('the limit is 32768');
            expect(q(element, 'draft').value).toBe('x');
            q(element, 'dismiss-errors').click();
            await flushPromises();
            expect(q(element, 'errors')).toBeNull();
        });
    });

    describe('presence', () => {
        it('joins and leaves only through Apex; posting needs only the room, not presence', async () => {
            getActiveUsers.mockResolvedValue(mockActiveUsers.filter((user) => user.id !== CURRENT_USER_ID));
            const element = await renderConnectedChat();
            const names = () => qa(element, 'user-name').map((node) => node.textContent);
            expect(q(element, 'leave')).toBeNull();
            expect(names()).not.toContain('Current User');
            expect(q(element, 'composer')).not.toBeNull();

            getActiveUsers.mockResolvedValue(mockActiveUsers);
            q(element, 'enter').click();
            await flushPromises();
            expect(enterChat).toHaveBeenCalledTimes(1);
            expect(names()).toContain('Current User');
            expect(q(element, 'enter')).toBeNull();

            getActiveUsers.mockResolvedValue([]);
            q(element, 'leave').click();
            await flushPromises();
            expect(leaveChat).toHaveBeenCalledTimes(1);
            expect(names()).toEqual([]);
            expect(q(element, 'composer')).not.toBeNull();

            expect(socketIoMock.emittedNames()).toEqual([]);
        });

        it('has no composer when there is no room to post in (the rooms could not be read)', async () => {
            listRooms.mockRejectedValue({ body: { message: 'You do not have access to chat rooms.' } });

            const element = await renderConnectedChat();

            expect(q(element, 'composer')).toBeNull();
            expect(q(element, 'no-room-hint')).not.toBeNull();
            expect(q(element, 'errors').textContent).toContain('You do not have access to chat rooms.');
            expect(getRecentMessages).not.toHaveBeenCalled();
        });
    });

    describe('rooms', () => {
        const ANA = '005000000000002AAA';
        const BEN = '005000000000003AAA';
        const roomButton = (element, roomId) => qa(element, 'room').find((button) => button.dataset.roomId === roomId);
        const unreadOf = (element, roomId) => {
            const badge = roomButton(element, roomId).querySelector('[data-id="unread"]');
            return badge ? badge.textContent : null;
        };
        const emittedTyping = () => socketIoMock.socket.emitted.map(({ name, args }) => [name, args[0]]);

        async function selectRoom(element, roomId) {
            roomButton(element, roomId).click();
            await flushPromises();
        }

        it('lists the rooms, the default one shown and marked current, unread counts from Apex', async () => {
            const element = await renderConnectedChat();

            expect(q(element, 'rooms')).not.toBeNull();
            expect(qa(element, 'room').map((button) => button.dataset.roomId)).toEqual([GENERAL, ACME_ROOM, DEAL_DESK, LAUNCH]);
            expect(qa(element, 'room').map((button) => button.getAttribute('aria-current'))).toEqual(['true', 'false', 'false', 'false']);
            expect(qa(element, 'room').every((button) => button.tagName === 'BUTTON')).toBe(true);
            expect(roomButton(element, DEAL_DESK).textContent.startsWith('Deal Desk')).toBe(true);
            expect(q(element, 'room-name').textContent).toBe('General');
            expect(unreadOf(element, DEAL_DESK)).toBe('2');
            expect(unreadOf(element, LAUNCH)).toBeNull();
            expect(markRead).toHaveBeenCalledWith({ roomId: GENERAL });
            expect(q(element, 'leave-room')).toBeNull();
            expect(q(element, 'join-room')).toBeNull();
        });

        it('counts other rooms’ new messages of others without calling Apex; a message of the room shown costs one call', async () => {
            const element = await renderConnectedChat();
            markRead.mockClear();

            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', recordId: 'a01D1', userId: ANA, roomId: DEAL_DESK, seq: 1 });
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', recordId: 'a01L1', userId: ANA, roomId: LAUNCH.slice(0, 15), seq: 2 });
            // one's own message (another tab) and an edit are not unread
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', recordId: 'a01D2', userId: CURRENT_USER_ID, roomId: DEAL_DESK, seq: 3 });
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_UPDATED', recordId: 'a01D1', userId: ANA, roomId: DEAL_DESK, seq: 4 });
            await settleRefresh();

            expect(unreadOf(element, DEAL_DESK)).toBe('3');
            expect(unreadOf(element, LAUNCH)).toBe('1');
            expect(getMessagesByIds).not.toHaveBeenCalled();
            expect(getRecentMessages).not.toHaveBeenCalled();

            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', recordId: mockPostMessage.id, userId: ANA, roomId: GENERAL, seq: 5 });
            await settleRefresh();
            expect(getMessagesByIds).toHaveBeenCalledTimes(1);
            expect(getMessagesByIds).toHaveBeenCalledWith({ roomId: GENERAL, messageIds: [mockPostMessage.id] });
            expect(markRead).not.toHaveBeenCalled();
            expect(listRooms).toHaveBeenCalledTimes(2); // at start and on the first connect, none per event
        });

        it('switches rooms: history, heading, current mark, read marks, typing in the new room only', async () => {
            const element = await renderConnectedChat();
            markRead.mockClear();
            const dealDeskHistory = [{ ...mockPostMessage, id: 'a015g00000DdDdDAAA', content: 'Deal desk only' }];
            getRecentMessages.mockResolvedValue(dealDeskHistory);
            socketIoMock.fireMockEvent('typing', { userId: ANA, name: 'Ana', isTyping: true, roomId: GENERAL });
            await flushPromises();
            expect(q(element, 'typing').textContent).toBe('Ana is typing…');
            typeDraft(element, 'Hel');

            await selectRoom(element, DEAL_DESK);

            expect(q(element, 'room-name').textContent).toBe('Deal Desk');
            expect(roomButton(element, DEAL_DESK).getAttribute('aria-current')).toBe('true');
            expect(roomButton(element, GENERAL).getAttribute('aria-current')).toBe('false');
            expect(unreadOf(element, DEAL_DESK)).toBeNull();
            expect(getRecentMessages).toHaveBeenCalledWith({ roomId: DEAL_DESK, maxMessages: 50 });
            expect(qa(element, 'content').map((node) => node.textContent)).toEqual(['Deal desk only']);
            expect(markRead.mock.calls.map(([args]) => args.roomId).sort()).toEqual([DEAL_DESK, GENERAL].sort());
            expect(q(element, 'typing').textContent).toBe('');
            expect(q(element, 'leave-room')).not.toBeNull();

            socketIoMock.fireMockEvent('typing', { userId: ANA, name: 'Ana', isTyping: true, roomId: GENERAL });
            await flushPromises();
            expect(q(element, 'typing').textContent).toBe('');
            typeDraft(element, 'Hello');
            expect(emittedTyping()).toEqual([
                ['typing:start', { roomId: GENERAL }],
                ['typing:stop', { roomId: GENERAL }],
                ['typing:start', { roomId: DEAL_DESK }]
            ]);

            typeDraft(element, 'Hello there');
            pressKey(element, 'Enter');
            await flushPromises();
            expect(postMessage).toHaveBeenCalledWith({ roomId: DEAL_DESK, content: 'Hello there' });
        });

        it('drops a history answer that arrives after the user switched away', async () => {
            const element = await renderConnectedChat();
            let answerGeneral;
            getMessagesByIds.mockReturnValueOnce(new Promise((resolve) => (answerGeneral = resolve)));
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', recordId: mockPostMessage.id, userId: ANA, roomId: GENERAL });
            jest.advanceTimersByTime(1000);
            getRecentMessages.mockResolvedValue([]);

            await selectRoom(element, DEAL_DESK);
            answerGeneral([mockPostMessage]);
            await flushPromises();

            expect(qa(element, 'message')).toHaveLength(0);
        });

        it('keeps a draft per room: switching shows the draft of the room opened, Enter posts only what was typed there', async () => {
            const element = await renderConnectedChat();
            typeDraft(element, 'draft in general');
            await flushPromises();

            await selectRoom(element, DEAL_DESK);
            expect(q(element, 'draft').value).toBe('');
            pressKey(element, 'Enter');
            await flushPromises();
            expect(postMessage).not.toHaveBeenCalled();
            typeDraft(element, 'private deal note');
            await flushPromises();

            await selectRoom(element, GENERAL);
            expect(q(element, 'draft').value).toBe('draft in general');
            pressKey(element, 'Enter');
            await flushPromises();
            expect(postMessage.mock.calls).toEqual([[{ roomId: GENERAL, content: 'draft in general' }]]);
            expect(q(element, 'draft').value).toBe('');

            await selectRoom(element, DEAL_DESK);
            expect(q(element, 'draft').value).toBe('private deal note');
        });

        it('posts a send still in flight to the room it was typed in and clears only that room’s draft', async () => {
            let answer;
            postMessage.mockReturnValue(new Promise((resolve) => (answer = resolve)));
            const element = await renderConnectedChat();
            typeDraft(element, 'sent from general');
            pressKey(element, 'Enter');
            await flushPromises();

            await selectRoom(element, DEAL_DESK);
            typeDraft(element, 'deal desk draft');
            answer(mockPostMessage);
            await flushPromises();

            expect(postMessage.mock.calls).toEqual([[{ roomId: GENERAL, content: 'sent from general' }]]);
            expect(q(element, 'draft').value).toBe('deal desk draft');
            await selectRoom(element, GENERAL);
            expect(q(element, 'draft').value).toBe('');
        });

        it('opens a public room without joining it, and joins on “Join room” with a fresh token', async () => {
            const element = await renderConnectedChat();
            markRead.mockClear();
            getBridgeConnection.mockClear();

            await selectRoom(element, LAUNCH);
            expect(markRead).not.toHaveBeenCalledWith({ roomId: LAUNCH });
            expect(q(element, 'join-room')).not.toBeNull();
            expect(q(element, 'leave-room')).toBeNull();

            listRooms.mockResolvedValue(mockRooms.map((room) => (room.id === LAUNCH ? { ...room, isMember: true, present: true } : room)));
            q(element, 'join-room').click();
            await flushPromises();

            expect(joinRoom).toHaveBeenCalledWith({ roomId: LAUNCH });
            expect(getBridgeConnection).toHaveBeenCalledTimes(1);
            expect(socketIoMock.sockets).toHaveLength(1);
            expect(socketIoMock.socket.connectCalls).toBe(1);
            expect(markRead).toHaveBeenCalledWith({ roomId: LAUNCH });
            expect(q(element, 'join-room')).toBeNull();
            expect(q(element, 'leave-room')).not.toBeNull();
        });

        it('leaves a room and shows the default room when it is no longer readable', async () => {
            const element = await renderConnectedChat();
            await selectRoom(element, DEAL_DESK);
            getBridgeConnection.mockClear();
            listRooms.mockResolvedValue(mockRooms.filter((room) => room.id !== DEAL_DESK));

            q(element, 'leave-room').click();
            await flushPromises();

            expect(leaveRoom).toHaveBeenCalledWith({ roomId: DEAL_DESK });
            expect(getBridgeConnection).toHaveBeenCalledTimes(1);
            expect(q(element, 'room-name').textContent).toBe('General');
            expect(roomButton(element, DEAL_DESK)).toBeUndefined();
        });

        it('shows a refused room change as an error and stays in the room', async () => {
            const element = await renderConnectedChat();
            await selectRoom(element, LAUNCH);
            joinRoom.mockRejectedValue({ body: { message: 'You cannot read this chat room.' } });

            q(element, 'join-room').click();
            await flushPromises();

            expect(q(element, 'errors').textContent).toContain('You cannot read this chat room.');
            expect(q(element, 'room-name').textContent).toBe('Launch');
        });

        it('creates a private room with members; the new room becomes current and the form closes', async () => {
            const NEW_ROOM = 'a0R5g00000NeWrMAAA';
            const element = await renderConnectedChat();
            getBridgeConnection.mockClear();
            expect(q(element, 'room-form')).toBeNull();

            q(element, 'new-room').click();
            await flushPromises();
            const form = q(element, 'room-form');
            expect(form).not.toBeNull();
            expect(q(element, 'room-members').options.map((option) => option.label)).toEqual(['Ana Alvarez', 'Ben Brown']);
            expect(q(element, 'room-type').options.map((option) => option.label)).toEqual(['Public', 'Private']);
            expect(q(element, 'submit-room').disabled).toBe(true);

            q(element, 'room-name-input').dispatchEvent(new CustomEvent('change', { detail: { value: '  Launch plan ' } }));
            q(element, 'room-type').dispatchEvent(new CustomEvent('change', { detail: { value: 'Private' } }));
            q(element, 'room-members').dispatchEvent(new CustomEvent('change', { detail: { value: [BEN] } }));
            await flushPromises();
            listRooms.mockResolvedValue([
                ...mockRooms,
                { ...mockRooms[1], id: NEW_ROOM, name: 'Launch plan', unreadCount: 0, present: true }
            ]);
            q(element, 'submit-room').click();
            await flushPromises();

            expect(createRoom).toHaveBeenCalledWith({ name: 'Launch plan', roomType: 'Private', memberIds: [BEN] });
            expect(getBridgeConnection).toHaveBeenCalledTimes(1);
            expect(q(element, 'room-form')).toBeNull();
            expect(q(element, 'room-name').textContent).toBe('Launch plan');
            expect(roomButton(element, NEW_ROOM).getAttribute('aria-current')).toBe('true');
            expect(getRecentMessages).toHaveBeenCalledWith({ roomId: NEW_ROOM, maxMessages: 50 });
            // the socket signs in again with the token that names the new room
            socketIoMock.fireMockConnect();
            const fresh = await getBridgeConnection.mock.results[0].value;
            expect(socketIoMock.socket.handshakes.slice(-1)[0].token).toBe(fresh.token);
            typeDraft(element, 'Hi');
            expect(emittedTyping().slice(-1)).toEqual([['typing:start', { roomId: NEW_ROOM }]]);
        });

        it('keeps the form and the name when Apex refuses the room', async () => {
            const element = await renderConnectedChat();
            createRoom.mockRejectedValue({ body: { message: 'Give the room a name of 1 to 80 characters.' } });
            q(element, 'new-room').click();
            await flushPromises();
            q(element, 'room-name-input').dispatchEvent(new CustomEvent('change', { detail: { value: 'x' } }));
            await flushPromises();

            q(element, 'submit-room').click();
            await flushPromises();

            expect(q(element, 'errors').textContent).toContain('Give the room a name');
            expect(q(element, 'room-form')).not.toBeNull();
            expect(q(element, 'room-name-input').value).toBe('x');
            q(element, 'cancel-room').click();
            await flushPromises();
            expect(q(element, 'room-form')).toBeNull();
        });

        it('offers Add members only to members of a private or public room, never the default or a record room', async () => {
            const launchJoined = mockRooms.map((room) => (room.id === LAUNCH ? { ...room, isMember: true } : room));
            listRooms.mockResolvedValue(launchJoined);
            const element = await renderConnectedChat();
            const shown = {};
            for (const roomId of [GENERAL, DEAL_DESK, ACME_ROOM, LAUNCH]) {
                // eslint-disable-next-line no-await-in-loop
                await selectRoom(element, roomId);
                shown[roomId] = q(element, 'add-members') !== null;
            }
            expect(shown).toEqual({ [GENERAL]: false, [DEAL_DESK]: true, [ACME_ROOM]: false, [LAUNCH]: true });

            // a public room one is no member of: Join room, not Add members
            listRooms.mockResolvedValue(mockRooms);
            socketIoMock.fireMockEvent('bridge:resync', { reason: 'gap' });
            await settleRefresh();
            expect(q(element, 'join-room')).not.toBeNull();
            expect(q(element, 'add-members')).toBeNull();
        });

        it('adds the people ticked to the room shown with one Apex call, closes the form and confirms', async () => {
            const element = await renderConnectedChat();
            await selectRoom(element, DEAL_DESK);
            listRooms.mockClear();
            getBridgeConnection.mockClear();
            addMembers.mockResolvedValue(2);

            q(element, 'add-members').click();
            await flushPromises();
            expect(q(element, 'room-form')).not.toBeNull();
            expect(q(element, 'room-name-input')).toBeNull();
            expect(q(element, 'room-members').label).toBe('Members');
            expect(q(element, 'room-members').options.map((option) => option.label)).toEqual(['Ana Alvarez', 'Ben Brown']);
            expect(q(element, 'submit-room').label).toBe('Add');
            expect(q(element, 'submit-room').disabled).toBe(true);

            q(element, 'room-members').dispatchEvent(new CustomEvent('change', { detail: { value: [ANA, BEN] } }));
            await flushPromises();
            q(element, 'submit-room').click();
            await flushPromises();

            expect(addMembers).toHaveBeenCalledTimes(1);
            expect(addMembers).toHaveBeenCalledWith({ roomId: DEAL_DESK, userIds: [ANA, BEN] });
            expect(q(element, 'room-form')).toBeNull();
            expect(q(element, 'room-notice').textContent).toContain('Added 2 members.');
            expect(q(element, 'errors')).toBeNull();
            // the user's own rooms and token did not change: nothing else is read
            expect(listRooms).not.toHaveBeenCalled();
            expect(getBridgeConnection).not.toHaveBeenCalled();
            expect(q(element, 'room-name').textContent).toBe('Deal Desk');

            // Apex skips those already members
            addMembers.mockResolvedValue(0);
            q(element, 'add-members').click();
            await flushPromises();
            expect(q(element, 'room-notice')).toBeNull();
            q(element, 'room-members').dispatchEvent(new CustomEvent('change', { detail: { value: [BEN] } }));
            await flushPromises();
            q(element, 'submit-room').click();
            await flushPromises();
            expect(q(element, 'room-notice').textContent).toBe('Everyone chosen was already a member.');
        });

        it('shows Apex’s refusal to add members through the error banner and keeps the form and the choice', async () => {
            const element = await renderConnectedChat();
            await selectRoom(element, DEAL_DESK);
            addMembers.mockRejectedValue({ body: { message: 'Only members of a private room can add members to it.' } });
            q(element, 'add-members').click();
            await flushPromises();
            q(element, 'room-members').dispatchEvent(new CustomEvent('change', { detail: { value: [BEN] } }));
            await flushPromises();

            q(element, 'submit-room').click();
            await flushPromises();

            expect(q(element, 'errors').textContent).toContain('Only members of a private room can add members to it.');
            expect(q(element, 'room-form')).not.toBeNull();
            expect(q(element, 'room-members').value).toEqual([BEN]);
            expect(q(element, 'room-notice')).toBeNull();
        });

        it('closes Add members on Cancel and when another room is shown; New room starts blank', async () => {
            const element = await renderConnectedChat();
            await selectRoom(element, DEAL_DESK);
            q(element, 'add-members').click();
            await flushPromises();
            q(element, 'cancel-room').click();
            await flushPromises();
            expect(q(element, 'room-form')).toBeNull();

            q(element, 'add-members').click();
            await flushPromises();
            q(element, 'room-members').dispatchEvent(new CustomEvent('change', { detail: { value: [BEN] } }));
            await flushPromises();
            await selectRoom(element, GENERAL);
            expect(q(element, 'room-form')).toBeNull();

            await selectRoom(element, DEAL_DESK);
            q(element, 'add-members').click();
            await flushPromises();
            q(element, 'room-members').dispatchEvent(new CustomEvent('change', { detail: { value: [BEN] } }));
            await flushPromises();
            q(element, 'new-room').click();
            await flushPromises();
            expect(q(element, 'room-name-input')).not.toBeNull();
            expect(q(element, 'room-members').value).toEqual([]);
            expect(q(element, 'submit-room').label).toBe('Create room');
            expect(addMembers).not.toHaveBeenCalled();
        });

        it('on a record page opens the record’s room before signing the token, and still lists the rooms', async () => {
            const element = await renderChat({ recordId: '0015g00000AcMeCAAA' });

            expect(openRecordRoom).toHaveBeenCalledWith({ recordId: '0015g00000AcMeCAAA' });
            expect(openRecordRoom.mock.invocationCallOrder[0]).toBeLessThan(getBridgeConnection.mock.invocationCallOrder[0]);
            expect(q(element, 'room-name').textContent).toBe('Account: Acme Corp');
            expect(roomButton(element, ACME_ROOM).getAttribute('aria-current')).toBe('true');
            expect(qa(element, 'room')).toHaveLength(4);
            expect(getRecentMessages).toHaveBeenCalledWith({ roomId: ACME_ROOM, maxMessages: 50 });
            expect(markRead).toHaveBeenCalledWith({ roomId: ACME_ROOM });
            expect(element.recordId).toBe('0015g00000AcMeCAAA');
        });

        it('on a record page the user may not read, says why and opens the default room', async () => {
            openRecordRoom.mockRejectedValue({ body: { message: 'You cannot read this record, so you cannot open its chat room.' } });

            const element = await renderChat({ recordId: '0015g00000AcMeCAAA' });

            expect(q(element, 'errors').textContent).toContain('You cannot read this record');
            expect(q(element, 'room-name').textContent).toBe('General');
        });

        it('re-reads the room list on a full reload (resync), keeping the room shown read', async () => {
            const element = await renderConnectedChat();
            listRooms.mockClear();
            listRooms.mockResolvedValue(mockRooms.map((room) => ({ ...room, unreadCount: 4 })));

            socketIoMock.fireMockEvent('bridge:resync', { reason: 'gap' });
            await settleRefresh();

            expect(listRooms).toHaveBeenCalledTimes(1);
            expect(unreadOf(element, DEAL_DESK)).toBe('4');
            expect(unreadOf(element, GENERAL)).toBeNull();
        });

        it('passes the axe checks (sa11y) with the room list and the New room form open', async () => {
            const element = await renderConnectedChat();
            q(element, 'new-room').click();
            await flushPromises();

            await expectAccessible(element);
        });

        it('passes the axe checks (sa11y) with the Add members form open', async () => {
            const element = await renderConnectedChat();
            await selectRoom(element, DEAL_DESK);
            q(element, 'add-members').click();
            await flushPromises();

            await expectAccessible(element);
        });
    });

    describe('connection state', () => {
        it('shows connecting, connected, reconnecting, connected and offline', async () => {
            const element = await renderChat();
            const status = () => q(element, 'status').textContent;
            expect(status()).toBe('Connecting…');

            socketIoMock.fireMockConnect();
            await flushPromises();
            expect(status()).toBe('Connected');

            socketIoMock.dropMockConnection();
            await flushPromises();
            expect(status()).toBe('Reconnecting…');

            socketIoMock.fireMockConnect();
            await flushPromises();
            expect(status()).toBe('Connected');

            socketIoMock.fireMockReconnectFailed();
            await flushPromises();
            expect(status()).toBe('Offline');
            expect(q(element, 'offline-hint')).not.toBeNull();
            expect(q(element, 'errors').textContent).toContain('Could not reconnect');
        });

        it('warns when the bridge reports its Salesforce side is not connected', async () => {
            const element = await renderConnectedChat();

            socketIoMock.fireMockEvent('bridge:status', { upstream: 'degraded', contractVersion: '1.0.0' });
            await flushPromises();
            expect(q(element, 'upstream').textContent).toContain('Live updates are delayed');

            socketIoMock.fireMockEvent('bridge:status', { upstream: 'connected', contractVersion: '1.0.0' });
            await flushPromises();
            expect(q(element, 'upstream')).toBeNull();
        });

        it('goes offline and shows why when the bridge refuses the handshake', async () => {
            const element = await renderChat();

            socketIoMock.fireMockError(Object.assign(new Error('unauthorized'), { data: { message: 'Invalid token audience' } }));
            await flushPromises();

            expect(q(element, 'status').textContent).toBe('Offline');
            expect(q(element, 'errors').textContent).toContain('Invalid token audience');
        });

        it('fetches a fresh token and reconnects when the handshake is refused for an expired token', async () => {
            await renderChat();
            expect(getBridgeConnection).toHaveBeenCalledTimes(1);

            socketIoMock.fireMockError(Object.assign(new Error('token expired'), { data: { reason: 'expired' } }));
            await flushPromises();

            expect(getBridgeConnection).toHaveBeenCalledTimes(2);
            const socket = socketIoMock.socket;
            expect(socket.connectCalls).toBe(1);
            const fresh = await getBridgeConnection.mock.results[1].value;
            expect(socket.handshakeAuth().token).toBe(fresh.token);
        });

        it('refreshes the token before it expires', async () => {
            getBridgeConnection.mockImplementation(() =>
                Promise.resolve({ ...mockBridgeConnection, token: tokenExpiringIn(120) })
            );
            await renderConnectedChat();
            expect(getBridgeConnection).toHaveBeenCalledTimes(1);

            jest.advanceTimersByTime(58 * 1000); // connecting already took 1 s of fake time
            await flushPromises();
            expect(getBridgeConnection).toHaveBeenCalledTimes(1);

            jest.advanceTimersByTime(2 * 1000);
            await flushPromises();
            expect(getBridgeConnection).toHaveBeenCalledTimes(2);
        });
    });

    describe('teardown', () => {
        it('closes the socket when removed and stops refreshing', async () => {
            const element = await renderConnectedChat();
            const socket = socketIoMock.socket;

            document.body.removeChild(element);
            expect(socket.closed).toBe(true);

            socket.fire('chat:event', { type: 'MESSAGE_CREATED' });
            await settleRefresh();
            expect(getRecentMessages).not.toHaveBeenCalled();
        });

        it('never emits anything but typing:start and typing:stop', async () => {
            const element = await renderConnectedChat();
            typeDraft(element, 'Hello');
            pressKey(element, 'Enter');
            await flushPromises();
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED' });
            socketIoMock.fireMockEvent('bridge:resync', { reason: 'replay-id-expired' });
            socketIoMock.dropMockConnection();
            socketIoMock.fireMockConnect();
            await settleRefresh();
            document.body.removeChild(element);

            const emitted = socketIoMock.emittedNames();
            expect(emitted.length).toBeGreaterThan(0);
            emitted.forEach((name) => expect(ALLOWED_EMITS).toContain(name));
        });
    });

    describe('accessibility', () => {
        it('labels the message input and announces new messages politely', async () => {
            const element = await renderConnectedChat();

            expect(q(element, 'draft').label).toBe('Message');
            const log = q(element, 'messages');
            expect(log.getAttribute('aria-live')).toBe('polite');
            expect(log.getAttribute('role')).toBe('log');
            expect(log.getAttribute('aria-label')).toBe('Chat messages');
            expect(q(element, 'status').getAttribute('role')).toBe('status');
        });

        it('gives every avatar a text alternative and errors the alert role', async () => {
            postMessage.mockRejectedValue({ body: { message: 'Nope' } });
            const element = await renderConnectedChat();
            typeDraft(element, 'x');
            pressKey(element, 'Enter');
            await flushPromises();

            const avatars = deepQueryAll(element.shadowRoot, 'lightning-avatar');
            expect(avatars.length).toBeGreaterThan(0);
            avatars.forEach((avatar) => expect(avatar.alternativeText).toBeTruthy());
            expect(q(element, 'errors').getAttribute('role')).toBe('alert');
        });

        it('passes the axe checks (sa11y) joined, with history, people, typing and an error', async () => {
            postMessage.mockRejectedValue({ body: { message: 'Nope' } });
            const element = await renderConnectedChat();
            socketIoMock.fireMockEvent('typing', { userId: '005000000000002AAA', name: 'Ana', isTyping: true, roomId: GENERAL });
            typeDraft(element, 'x');
            pressKey(element, 'Enter');
            await flushPromises();
            expect(q(element, 'errors')).not.toBeNull();

            await expectAccessible(element);
        });

        it('passes the axe checks (sa11y) before joining, offline, in an empty room', async () => {
            getRecentMessages.mockResolvedValue([]);
            getActiveUsers.mockResolvedValue([]);
            loadScript.mockRejectedValueOnce(new Error('Script load failed'));
            const element = await renderChat();
            expect(q(element, 'enter')).not.toBeNull();
            expect(q(element, 'empty')).not.toBeNull();

            await expectAccessible(element);
        });
    });
});

/**
 * c/chatSocket on its own, with the fake socket.io passed in directly: the helpers the component
 * relies on (typing text, refresh scope, token expiry, finding `io` under LWS or LWC OSS) and the
 * edge cases that are awkward to reach through the component.
 */
import {
    ChatSocket,
    CLIENT_EVENTS,
    ConnectionState,
    DEFAULT_TIMING,
    SERVER_EVENTS,
    describeTypers,
    isExpiredTokenError,
    isTransientRefusal,
    resolveIo,
    sameUserId,
    mergeScopes,
    scopeForEvent,
    tokenExpiresAt
} from 'c/chatSocket';
import { io, socketIoMock } from 'socketIoMock';

function token(claims) {
    const payload = btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    return `eyJhbGciOiJSUzI1NiJ9.${payload}.sig`;
}

async function flushPromises() {
    for (let i = 0; i < 20; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function createChatSocket(overrides = {}) {
    const calls = { refresh: [], status: [], typing: [], errors: [] };
    const chatSocket = new ChatSocket({
        io,
        currentUserId: '005000000000001AAA',
        getConnection: jest.fn(() =>
            Promise.resolve({ url: 'https://bridge.example.com', token: token({ exp: Math.floor(Date.now() / 1000) + 300 }) })
        ),
        onRefresh: jest.fn((scope) => {
            calls.refresh.push(scope);
            return Promise.resolve();
        }),
        onStatus: (status) => calls.status.push(status),
        onTyping: (names) => calls.typing.push(names),
        onError: (error) => calls.errors.push(error),
        ...overrides
    });
    return { chatSocket, calls };
}

describe('c/chatSocket helpers', () => {
    it('describes who is typing', () => {
        expect(describeTypers([])).toBe('');
        expect(describeTypers(['Ana'])).toBe('Ana is typing…');
        expect(describeTypers(['Ana', 'Ben'])).toBe('Ana and Ben are typing…');
        expect(describeTypers(['Ana', 'Ben', 'Cleo'])).toBe('3 people are typing…');
        expect(describeTypers(['Ana', 'Ben', 'Cleo', 'Dan'])).toBe('4 people are typing…');
    });

    it('maps event types to what must be reloaded: a message event only the message it names', () => {
        const none = [];
        expect(scopeForEvent({ type: 'MESSAGE_UNDELETED', recordId: 'a01A' })).toEqual({ messages: false, users: false, messageIds: ['a01A'] });
        // a message event that names no record: the whole history
        expect(scopeForEvent({ type: 'MESSAGE_CREATED' })).toEqual({ messages: true, users: false, messageIds: none });
        expect(scopeForEvent({ type: 'USER_LEFT', recordId: '005A' })).toEqual({ messages: false, users: true, messageIds: none });
        expect(scopeForEvent({ type: 'SOMETHING_NEW' })).toEqual({ messages: true, users: true, messageIds: none });
        // routed by the contract's table, not by the spelling: an unknown MESSAGE_* reloads both
        expect(scopeForEvent({ type: 'MESSAGE_PINNED', recordId: 'a01A' })).toEqual({ messages: true, users: true, messageIds: none });
        expect(scopeForEvent(undefined)).toEqual({ messages: true, users: true, messageIds: none });
    });

    it('merges scopes: ids once each, none when the whole history reloads anyway', () => {
        const ids = (...list) => ({ messages: false, users: false, messageIds: list });
        expect(mergeScopes(null, ids('a', 'b'))).toEqual(ids('a', 'b'));
        expect(mergeScopes(ids('a', 'b'), ids('b', 'c'))).toEqual(ids('a', 'b', 'c'));
        expect(mergeScopes(ids('a'), { messages: false, users: true })).toEqual({ messages: false, users: true, messageIds: ['a'] });
        expect(mergeScopes(ids('a'), { messages: true, users: false })).toEqual({ messages: true, users: false, messageIds: [] });
        expect(mergeScopes({ messages: true, users: false, messageIds: [] }, ids('a'))).toEqual({ messages: true, users: false, messageIds: [] });
    });

    it('reads exp from a token and tolerates garbage', () => {
        expect(tokenExpiresAt(token({ exp: 1800000000 }))).toBe(1800000000 * 1000);
        expect(tokenExpiresAt('not-a-token')).toBeNull();
        expect(tokenExpiresAt(token({ sub: 'x' }))).toBeNull();
    });

    it('compares 15- and 18-character user ids', () => {
        expect(sameUserId('005000000000001AAA', '005000000000001')).toBe(true);
        expect(sameUserId('005000000000001AAA', '005000000000002AAA')).toBe(false);
        expect(sameUserId(undefined, '005000000000001')).toBe(false);
    });

    it('recognises an expired-token refusal only', () => {
        expect(isExpiredTokenError(Object.assign(new Error('token expired'), { data: { reason: 'expired' } }))).toBe(true);
        expect(isExpiredTokenError(new Error('token expired'))).toBe(false);
        expect(isExpiredTokenError(new Error('invalid signature'))).toBe(false);
        expect(isExpiredTokenError(undefined)).toBe(false);
    });

    it('finds io on the scope it is given, on window (LWS sandbox or LWC OSS) or fails clearly', () => {
        const sandbox = { io: jest.fn() };
        expect(resolveIo(sandbox)).toBe(sandbox.io);

        window.io = io;
        expect(resolveIo()).toBe(io);
        delete window.io;

        expect(() => resolveIo({})).toThrow('socketiojs');
    });
});

describe('c/chatSocket ChatSocket', () => {
    beforeEach(() => {
        jest.useFakeTimers();
        socketIoMock.resetMock();
    });

    afterEach(() => {
        jest.clearAllMocks();
        jest.useRealTimers();
    });

    it('listens only to contract events plus socket.io lifecycle events', async () => {
        const { chatSocket } = createChatSocket();
        await chatSocket.start();

        expect(socketIoMock.listenedNames().sort()).toEqual(
            ['connect', 'connect_error', 'disconnect', ...Object.values(SERVER_EVENTS)].sort()
        );
        expect(Object.values(CLIENT_EVENTS)).toEqual(['typing:start', 'typing:stop']);
    });

    it('merges requests that arrive while a refresh is running into one more refresh', async () => {
        let finishFirst;
        const onRefresh = jest.fn(
            () =>
                new Promise((resolve) => {
                    finishFirst = finishFirst || resolve;
                    if (onRefresh.mock.calls.length > 1) {
                        resolve();
                    }
                })
        );
        const { chatSocket } = createChatSocket({ onRefresh });
        await chatSocket.start();
        socketIoMock.fireMockConnect();
        jest.advanceTimersByTime(300);
        expect(onRefresh).toHaveBeenCalledTimes(1);

        socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED' });
        socketIoMock.fireMockEvent('chat:event', { type: 'USER_ENTERED' });
        jest.advanceTimersByTime(1000);
        expect(onRefresh).toHaveBeenCalledTimes(1);

        finishFirst();
        await flushPromises();
        jest.advanceTimersByTime(300);
        expect(onRefresh).toHaveBeenCalledTimes(2);
        expect(onRefresh.mock.calls[1][0]).toEqual({ messages: true, users: true, messageIds: [] });
    });

    it('goes offline and reports when Apex cannot provide a connection', async () => {
        const { chatSocket, calls } = createChatSocket({
            getConnection: () => Promise.reject({ body: { message: 'The chat bridge is not configured' } })
        });

        await chatSocket.start();

        expect(socketIoMock.sockets).toHaveLength(0);
        expect(calls.status[calls.status.length - 1].state).toBe(ConnectionState.OFFLINE);
        expect(calls.errors).toHaveLength(1);
    });

    it('does not connect when stopped before the connection arrived', async () => {
        const { chatSocket } = createChatSocket();
        const starting = chatSocket.start();
        chatSocket.stop();
        await starting;

        expect(socketIoMock.sockets).toHaveLength(0);
    });

    it('signs in again with a fresh token when the bridge closes the socket', async () => {
        const getConnection = jest.fn(() =>
            Promise.resolve({ url: 'https://bridge.example.com', token: token({ exp: Math.floor(Date.now() / 1000) + 300, n: getConnection.mock.calls.length }) })
        );
        const { chatSocket } = createChatSocket({ getConnection });
        await chatSocket.start();
        socketIoMock.fireMockConnect();

        socketIoMock.fireMockServerDisconnect();
        await flushPromises();

        expect(getConnection).toHaveBeenCalledTimes(2);
        expect(socketIoMock.socket.connectCalls).toBe(1);
    });

    it('gives up after repeated token refusals instead of looping', async () => {
        const { chatSocket, calls } = createChatSocket();
        await chatSocket.start();
        const expired = Object.assign(new Error('token expired'), { data: { reason: 'expired' } });

        for (let i = 0; i < 5; i++) {
            socketIoMock.fireMockError(expired);
            // eslint-disable-next-line no-await-in-loop
            await flushPromises();
        }

        expect(socketIoMock.socket.connectCalls).toBe(3);
        expect(calls.status[calls.status.length - 1].state).toBe(ConnectionState.OFFLINE);
        expect(calls.errors.map((e) => e.message)).toContain('The chat server keeps refusing the sign-in token.');
    });

    it('retries a refusal that is about the bridge, not the token (restarting, shutting down)', async () => {
        const { chatSocket, calls } = createChatSocket();
        await chatSocket.start();
        const closing = Object.assign(new Error('bridge shutting down'), { data: { reason: 'closing' } });

        socketIoMock.fireMockError(closing);
        await flushPromises();
        expect(calls.status[calls.status.length - 1].state).toBe(ConnectionState.RECONNECTING);
        expect(calls.errors).toHaveLength(0);
        expect(socketIoMock.socket.connectCalls).toBe(0);

        jest.advanceTimersByTime(DEFAULT_TIMING.transientRetryDelayMs);
        await flushPromises();
        expect(chatSocket.getConnection).toHaveBeenCalledTimes(2);
        expect(socketIoMock.socket.connectCalls).toBe(1);
        expect(isTransientRefusal(Object.assign(new Error('x'), { data: { reason: 'bad-signature' } }))).toBe(false);
    });

    it('refreshes the token on a transport-level expired refusal without forcing a reconnect', async () => {
        const { chatSocket } = createChatSocket();
        await chatSocket.start();

        socketIoMock.fireMockError(Object.assign(new Error('token expired'), { data: { reason: 'expired' } }), { active: true });
        await flushPromises();

        expect(chatSocket.getConnection).toHaveBeenCalledTimes(2);
        expect(socketIoMock.socket.connectCalls).toBe(0);
    });

    it('does not emit typing while disconnected and stops typing when the connection drops', async () => {
        const { chatSocket } = createChatSocket();
        await chatSocket.start();

        chatSocket.notifyTyping();
        expect(socketIoMock.emittedNames()).toEqual([]);

        socketIoMock.fireMockConnect();
        chatSocket.notifyTyping();
        jest.advanceTimersByTime(2500);
        chatSocket.notifyTyping();
        expect(socketIoMock.emittedNames()).toEqual(['typing:start', 'typing:start']);

        socketIoMock.dropMockConnection();
        chatSocket.stopTyping();
        expect(socketIoMock.emittedNames()).toEqual(['typing:start', 'typing:start']);
    });

    it('clears remote typers when the connection drops', async () => {
        const { chatSocket, calls } = createChatSocket();
        await chatSocket.start();
        socketIoMock.fireMockConnect();
        socketIoMock.fireMockEvent('typing', { userId: '005000000000002AAA', name: 'Ana', isTyping: true });

        socketIoMock.dropMockConnection();

        expect(calls.typing[calls.typing.length - 1]).toEqual([]);
    });

    it('stop() is idempotent and detaches every listener', async () => {
        const { chatSocket, calls } = createChatSocket();
        await chatSocket.start();
        socketIoMock.fireMockConnect();
        const socket = socketIoMock.socket;

        chatSocket.stop();
        chatSocket.stop();

        expect(socket.closed).toBe(true);
        expect(socket.handlers.size).toBe(0);
        expect(socket.io.handlers.get('reconnect_attempt')).toEqual([]);
        expect(calls.status[calls.status.length - 1].state).toBe(ConnectionState.OFFLINE);
    });

    describe('catch-up by seq (contract 2.1.0)', () => {
        const EPOCH = '3f1c9a52-0d2e-4b8e-9c1a-6f0b7e2d4a11';

        /** A started, connected socket that has seen `bridge:status` and events up to seq 7, refreshes done. */
        async function connectedWithSeq() {
            const created = createChatSocket();
            await created.chatSocket.start();
            socketIoMock.fireMockConnect();
            socketIoMock.fireMockEvent('bridge:status', { upstream: 'connected', contractVersion: '2.1.0', epoch: EPOCH });
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', seq: 5 });
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', seq: 7 });
            jest.advanceTimersByTime(300);
            await flushPromises();
            created.calls.refresh.length = 0;
            return created;
        }

        /** The connection drops and socket.io reconnects: a new handshake, then the bridge's status. */
        function reconnect(epoch = EPOCH) {
            socketIoMock.dropMockConnection();
            socketIoMock.fireMockConnect();
            socketIoMock.fireMockEvent('bridge:status', { upstream: 'connected', contractVersion: '2.1.0', epoch });
        }

        it('sends only the token until it has seen a seq and an epoch, then since and epoch', async () => {
            const { chatSocket, calls } = createChatSocket();
            await chatSocket.start();
            const socket = socketIoMock.socket;
            socketIoMock.fireMockConnect();
            expect(Object.keys(socket.handshakes[0])).toEqual(['token']);
            jest.advanceTimersByTime(300);
            // a fresh component loads everything, as before
            expect(calls.refresh).toEqual([{ messages: true, users: true, messageIds: [] }]);

            socketIoMock.fireMockEvent('bridge:status', { upstream: 'connected', contractVersion: '2.1.0', epoch: EPOCH });
            expect(Object.keys(socket.handshakeAuth())).toEqual(['token']);

            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', seq: 5 });
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', seq: 9 });
            // out of order or malformed seqs never lower or spoil the position
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', seq: 8 });
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', seq: 'x' });
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', seq: -1 });

            socketIoMock.dropMockConnection();
            socketIoMock.fireMockConnect();
            expect(socket.handshakes[1]).toEqual({ token: socket.handshakes[0].token, since: 9, epoch: EPOCH });
        });

        it('does not reload everything on a reconnect with since: caught-up events refresh one by one', async () => {
            const { calls } = await connectedWithSeq();

            reconnect();
            jest.advanceTimersByTime(1000);
            await flushPromises();
            expect(socketIoMock.socket.handshakes[1].since).toBe(7);
            expect(calls.refresh).toEqual([]);

            // what the bridge replays before live events
            socketIoMock.fireMockEvent('chat:event', { type: 'USER_ENTERED', seq: 8 });
            jest.advanceTimersByTime(300);
            await flushPromises();
            expect(calls.refresh).toEqual([{ messages: false, users: true, messageIds: [] }]);
            expect(socketIoMock.socket.handshakeAuth().since).toBe(8);
        });

        it('reloads everything when the bridge cannot catch up (bridge:resync gap)', async () => {
            const { calls } = await connectedWithSeq();

            reconnect();
            socketIoMock.fireMockEvent('bridge:resync', { reason: 'gap' });
            jest.advanceTimersByTime(300);
            await flushPromises();

            expect(calls.refresh).toEqual([{ messages: true, users: true, messageIds: [] }]);
        });

        it('reloads everything and forgets its seq when the epoch changes (another log)', async () => {
            const { calls } = await connectedWithSeq();
            const other = '9b2e7c10-5a4d-4f3e-8d21-0c6a1b9e8f22';

            reconnect(other);
            jest.advanceTimersByTime(300);
            await flushPromises();
            expect(calls.refresh).toEqual([{ messages: true, users: true, messageIds: [] }]);

            // seq 7 belonged to the old log: until the new log's first event, only the token
            const socket = socketIoMock.socket;
            expect(Object.keys(socket.handshakeAuth())).toEqual(['token']);
            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', seq: 2 });
            expect(socket.handshakeAuth()).toEqual({ token: socket.handshakes[0].token, since: 2, epoch: other });
        });

        it('keeps its position and reloads nothing when a later status repeats the epoch', async () => {
            const { calls } = await connectedWithSeq();

            socketIoMock.fireMockEvent('bridge:status', { upstream: 'degraded', contractVersion: '2.1.0', epoch: EPOCH });
            jest.advanceTimersByTime(300);
            await flushPromises();

            expect(calls.refresh).toEqual([]);
            expect(socketIoMock.socket.handshakeAuth().since).toBe(7);
        });
    });

    describe('rooms (contract 2.3.0)', () => {
        const GENERAL = 'a0R000000000001AAA';
        const DEAL_DESK = 'a0R000000000002AAA';
        const ANA = '005000000000002AAA';

        async function connectedIn(roomId, overrides = {}) {
            const onOtherRoomEvent = jest.fn();
            const created = createChatSocket({ roomId, onOtherRoomEvent, ...overrides });
            await created.chatSocket.start();
            socketIoMock.fireMockConnect();
            jest.advanceTimersByTime(300);
            await flushPromises();
            created.calls.refresh.length = 0;
            return { ...created, onOtherRoomEvent };
        }

        it('sends typing with the room shown, and to the new room after a switch', async () => {
            const { chatSocket } = await connectedIn(GENERAL);

            chatSocket.notifyTyping();
            chatSocket.setRoom(DEAL_DESK);
            chatSocket.notifyTyping();
            chatSocket.stopTyping();

            const emitted = socketIoMock.socket.emitted.map(({ name, args }) => [name, args[0]]);
            expect(emitted).toEqual([
                ['typing:start', { roomId: GENERAL }],
                // switching ends the typing announced in the old room, there
                ['typing:stop', { roomId: GENERAL }],
                ['typing:start', { roomId: DEAL_DESK }],
                ['typing:stop', { roomId: DEAL_DESK }]
            ]);
            expect(typeof socketIoMock.socket.emitted[0].args[1]).toBe('function');
        });

        it('sends typing without a payload when no room is shown (a token without rooms)', async () => {
            const { chatSocket } = await connectedIn(null);

            chatSocket.notifyTyping();

            expect(socketIoMock.socket.emitted).toEqual([{ name: 'typing:start', args: [] }]);
        });

        it('shows typing of the room shown only, by 15- or 18-character id; a switch clears it', async () => {
            const { chatSocket, calls } = await connectedIn(GENERAL);
            const shown = () => calls.typing[calls.typing.length - 1];

            socketIoMock.fireMockEvent('typing', { userId: ANA, name: 'Ana', isTyping: true, roomId: DEAL_DESK });
            socketIoMock.fireMockEvent('typing', { userId: ANA, name: 'Ana', isTyping: true, roomId: null });
            expect(calls.typing).toEqual([]);

            socketIoMock.fireMockEvent('typing', { userId: ANA, name: 'Ana', isTyping: true, roomId: GENERAL.slice(0, 15) });
            expect(shown()).toEqual(['Ana']);

            chatSocket.setRoom(DEAL_DESK);
            expect(shown()).toEqual([]);
            socketIoMock.fireMockEvent('typing', { userId: ANA, name: 'Ana', isTyping: true, roomId: DEAL_DESK });
            expect(shown()).toEqual(['Ana']);
        });

        it('shows room-less typing only while no room is shown', async () => {
            const { calls } = await connectedIn(null);

            socketIoMock.fireMockEvent('typing', { userId: ANA, name: 'Ana', isTyping: true, roomId: GENERAL });
            expect(calls.typing).toEqual([]);
            socketIoMock.fireMockEvent('typing', { userId: ANA, name: 'Ana', isTyping: true });
            expect(calls.typing).toEqual([['Ana']]);
        });

        it('refreshes for events of the room shown or of none; hands other rooms’ events over', async () => {
            const { chatSocket, calls, onOtherRoomEvent } = await connectedIn(GENERAL);
            const other = { type: 'MESSAGE_CREATED', recordId: 'a01B', userId: ANA, roomId: DEAL_DESK, seq: 3 };

            socketIoMock.fireMockEvent('chat:event', { type: 'MESSAGE_CREATED', recordId: 'a01A', roomId: GENERAL.slice(0, 15), seq: 1 });
            socketIoMock.fireMockEvent('chat:event', { type: 'USER_ENTERED', recordId: ANA, roomId: null, seq: 2 });
            socketIoMock.fireMockEvent('chat:event', other);
            jest.advanceTimersByTime(300);
            await flushPromises();

            expect(calls.refresh).toEqual([{ messages: false, users: true, messageIds: ['a01A'] }]);
            expect(onOtherRoomEvent).toHaveBeenCalledWith(other);
            // another room's event still moves the catch-up position
            expect(chatSocket.lastSeq).toBe(3);
        });

        it('signs in again with a fresh token for a new rooms claim, resuming with since', async () => {
            const getConnection = jest.fn(() =>
                Promise.resolve({ url: 'https://bridge.example.com', token: token({ exp: Math.floor(Date.now() / 1000) + 300, n: getConnection.mock.calls.length }) })
            );
            const { chatSocket, calls } = await connectedIn(GENERAL, { getConnection });
            socketIoMock.fireMockEvent('bridge:status', { upstream: 'connected', contractVersion: '2.3.0', epoch: 'e-1' });
            socketIoMock.fireMockEvent('chat:event', { type: 'USER_ENTERED', roomId: null, seq: 4 });
            jest.advanceTimersByTime(300);
            await flushPromises();
            calls.refresh.length = 0;
            const socket = socketIoMock.socket;

            await chatSocket.refreshRooms();
            expect(calls.status[calls.status.length - 1].state).toBe(ConnectionState.RECONNECTING);
            expect(calls.status.map((s) => s.state)).not.toContain(ConnectionState.OFFLINE);
            socketIoMock.fireMockConnect();
            jest.advanceTimersByTime(1000);
            await flushPromises();

            expect(getConnection).toHaveBeenCalledTimes(2);
            expect(socketIoMock.sockets).toHaveLength(1);
            expect(socket.connectCalls).toBe(1);
            const fresh = (await getConnection.mock.results[1].value).token;
            expect(socket.handshakes[1]).toEqual({ token: fresh, since: 4, epoch: 'e-1' });
            expect(calls.refresh).toEqual([]);
            expect(calls.status[calls.status.length - 1].state).toBe(ConnectionState.CONNECTED);
        });

        it('keeps the connection and reports when the fresh token cannot be had', async () => {
            const { chatSocket, calls } = await connectedIn(GENERAL);
            chatSocket.getConnection = () => Promise.reject({ body: { message: 'No bridge configured' } });

            await chatSocket.refreshRooms();

            expect(socketIoMock.socket.connected).toBe(true);
            expect(calls.errors).toEqual([{ body: { message: 'No bridge configured' } }]);
        });

        it('signs in again once when the bridge refuses typing for the room shown', async () => {
            const { chatSocket } = await connectedIn(GENERAL);
            const ack = () => socketIoMock.socket.emitted[socketIoMock.socket.emitted.length - 1].args[1];

            chatSocket.notifyTyping();
            ack()({ ok: false, reason: 'rate-limited' });
            await flushPromises();
            expect(chatSocket.getConnection).toHaveBeenCalledTimes(1);

            ack()({ ok: false, reason: 'room-not-allowed' });
            await flushPromises();
            expect(chatSocket.getConnection).toHaveBeenCalledTimes(2);

            socketIoMock.fireMockConnect();
            jest.advanceTimersByTime(3000);
            chatSocket.notifyTyping();
            ack()({ ok: false, reason: 'room-not-allowed' });
            await flushPromises();
            expect(chatSocket.getConnection).toHaveBeenCalledTimes(2);
        });
    });
});

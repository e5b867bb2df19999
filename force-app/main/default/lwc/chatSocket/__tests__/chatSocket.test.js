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

    it('maps event types to what must be reloaded', () => {
        expect(scopeForEvent({ type: 'MESSAGE_UNDELETED' })).toEqual({ messages: true, users: false });
        expect(scopeForEvent({ type: 'USER_LEFT' })).toEqual({ messages: false, users: true });
        expect(scopeForEvent({ type: 'SOMETHING_NEW' })).toEqual({ messages: true, users: true });
        // routed by the contract's table, not by the spelling: an unknown MESSAGE_* reloads both
        expect(scopeForEvent({ type: 'MESSAGE_PINNED' })).toEqual({ messages: true, users: true });
        expect(scopeForEvent(undefined)).toEqual({ messages: true, users: true });
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
        expect(onRefresh.mock.calls[1][0]).toEqual({ messages: true, users: true });
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
});

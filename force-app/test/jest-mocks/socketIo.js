/**
 * Fake socket.io client for the LWC jest tests, shaped like ebikes' empApi mock: the code under test
 * gets `io` (installed on window by the platformResourceLoader mock, or passed in directly), and the
 * test drives the connection through `socketIoMock` (connect, fire a server event, fail a
 * handshake, drop the connection) and inspects what the code emitted and whether it closed.
 */

const RESERVED = new Set(['connect', 'disconnect', 'connect_error']);

/** on/off/fire bookkeeping shared by the fake manager and the fake socket. */
class Handlers {
    constructor() {
        this.handlers = new Map();
    }
    on(name, handler) {
        const list = this.handlers.get(name) || [];
        list.push(handler);
        this.handlers.set(name, list);
        return this;
    }
    off(name, handler) {
        if (!name) {
            this.handlers.clear();
        } else if (!handler) {
            this.handlers.delete(name);
        } else {
            this.handlers.set(
                name,
                (this.handlers.get(name) || []).filter((h) => h !== handler)
            );
        }
        return this;
    }
    fire(name, ...args) {
        (this.handlers.get(name) || []).forEach((handler) => handler(...args));
    }
}

class FakeManager extends Handlers {}

class FakeSocket extends Handlers {
    constructor(url, options) {
        super();
        this.url = url;
        this.options = options || {};
        this.emitted = [];
        this.connected = false;
        this.active = true;
        this.closed = false;
        this.connectCalls = 0;
        /** The `auth` payload of every successful handshake, oldest first. */
        this.handshakes = [];
        this.io = new FakeManager();
    }
    emit(name, ...args) {
        this.emitted.push({ name, args });
        return this;
    }
    connect() {
        this.connectCalls += 1;
        this.active = true;
        return this;
    }
    disconnect() {
        const wasConnected = this.connected;
        this.closed = true;
        this.active = false;
        this.connected = false;
        if (wasConnected) {
            this.fire('disconnect', 'io client disconnect');
        }
        return this;
    }
    close() {
        return this.disconnect();
    }
    /** What the handshake would send: resolves the `auth` option like socket.io does. */
    handshakeAuth() {
        const auth = this.options.auth;
        if (typeof auth === 'function') {
            let payload;
            auth((value) => {
                payload = value;
            });
            return payload;
        }
        return auth;
    }
}

let sockets = [];

/** The fake `io(url, options)`. */
export const io = jest.fn((url, options) => {
    const socket = new FakeSocket(url, options);
    sockets.push(socket);
    return socket;
});

function current() {
    const socket = sockets[sockets.length - 1];
    if (!socket) {
        throw new Error('socketIoMock: no socket was created (did the component call io()?)');
    }
    return socket;
}

/** Control object for tests. */
export const socketIoMock = {
    /** Forget every socket and call. */
    resetMock() {
        sockets = [];
        io.mockClear();
    },
    /** Every socket created so far. */
    get sockets() {
        return sockets;
    },
    /** The newest socket. */
    get socket() {
        return current();
    },
    /**
     * The handshake succeeds (also used for a reconnect). Resolves `auth` first, as socket.io does
     * at every handshake, so code that decides something when its auth is read sees it happen.
     */
    fireMockConnect() {
        const socket = current();
        socket.handshakes.push(socket.handshakeAuth());
        socket.connected = true;
        socket.active = true;
        socket.fire('connect');
    },
    /** The bridge sends an event to this browser. */
    fireMockEvent(name, payload) {
        if (RESERVED.has(name)) {
            throw new Error(`socketIoMock: use the dedicated helper for "${name}"`);
        }
        current().fire(name, payload);
    },
    /**
     * A handshake fails. `active: true` = transport error (socket.io retries by itself);
     * `active: false` = refused by the server middleware (socket.io does not retry).
     */
    fireMockError(error, { active = false } = {}) {
        const socket = current();
        socket.connected = false;
        socket.active = active;
        socket.fire('connect_error', error);
    },
    /** The connection drops (network); socket.io will retry, the manager announces attempts. */
    dropMockConnection(reason = 'transport close') {
        const socket = current();
        socket.connected = false;
        socket.active = true;
        socket.fire('disconnect', reason);
        socket.io.fire('reconnect_attempt', 1);
    },
    /** The bridge closes the socket (e.g. its token expired); socket.io does not retry by itself. */
    fireMockServerDisconnect() {
        const socket = current();
        socket.connected = false;
        socket.active = false;
        socket.fire('disconnect', 'io server disconnect');
    },
    /** socket.io gave up reconnecting. */
    fireMockReconnectFailed() {
        const socket = current();
        socket.active = false;
        socket.io.fire('reconnect_failed');
    },
    /** Names of every event emitted by the code under test, across sockets. */
    emittedNames() {
        return sockets.reduce((all, socket) => all.concat(socket.emitted.map((e) => e.name)), []);
    },
    /** Names the code under test registered listeners for on the newest socket. */
    listenedNames() {
        return [...current().handlers.keys()].filter((name) => current().handlers.get(name).length > 0);
    }
};

/**
 * websocketChat: real-time chat inside Lightning. History, users, posting, entering and leaving all
 * go through Apex (ChatController, user mode); the socket to the sf-chat-bridge only says WHEN to
 * reload (chat:event, bridge:resync, every reconnect) and who is typing. A message event reloads
 * only the message it names (getMessagesByIds): with many tabs open, a posted message costs each
 * one Apex call reading the changed rows, not the whole history; the whole history is reloaded on a
 * connect without a catch-up position and on bridge:resync. Socket handling lives in
 * the template-less c/chatSocket module; every error goes through one path (reportError →
 * c/chatErrors.reduceErrors). This component orchestrates and owns the state; the room is drawn by
 * children that get data through @api properties and report what the user does with events:
 * c/chatMessageList (history), c/chatParticipants (who is in the room) and c/chatComposer (draft,
 * typing and send).
 *
 * Portability: the same component is compiled with LWC OSS for a local preview page, where only
 * these imports are shimmed: @salesforce/apex/ChatController.*, @salesforce/user/Id,
 * @salesforce/resourceUrl/socketiojs and lightning/platformResourceLoader. Keep it that way: no
 * other @salesforce/* or lightning/* modules, only base components that lightning-base-components
 * ships, and imperative Apex calls.
 */
import { LightningElement, api } from 'lwc';
import { loadScript } from 'lightning/platformResourceLoader';
import SOCKET_IO_URL from '@salesforce/resourceUrl/socketiojs';
import CURRENT_USER_ID from '@salesforce/user/Id';
import getRecentMessages from '@salesforce/apex/ChatController.getRecentMessages';
import getMessagesByIds from '@salesforce/apex/ChatController.getMessagesByIds';
import getActiveUsers from '@salesforce/apex/ChatController.getActiveUsers';
import enterChat from '@salesforce/apex/ChatController.enterChat';
import leaveChat from '@salesforce/apex/ChatController.leaveChat';
import postMessage from '@salesforce/apex/ChatController.postMessage';
import getBridgeConnection from '@salesforce/apex/ChatController.getBridgeConnection';
import { ChatSocket, ConnectionState, describeTypers, resolveIo, sameUserId } from 'c/chatSocket';
import { reduceErrors } from 'c/chatErrors';

/** Oldest first, as getRecentMessages returns them: CreatedDate (ISO 8601 UTC), then Id. */
function byCreatedDate(a, b) {
    if (a.createdDate !== b.createdDate) {
        return a.createdDate < b.createdDate ? -1 : 1;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The history after some messages changed: each asked id is replaced by what Apex returned, or
 * removed when Apex returned nothing for it (deleted, or no longer readable); new ones are put in
 * order, and only the newest `limit` are kept, as a full reload would. One difference: a message
 * deleted from a full list leaves it one short until the next full reload.
 * @param {object[]} current MessageViews shown, oldest first.
 * @param {string[]} askedIds Ids that were asked for.
 * @param {object[]} fetched MessageViews getMessagesByIds returned.
 * @param {number} limit Most messages shown.
 * @returns {object[]} The new history, oldest first.
 */
function applyChangedMessages(current, askedIds, fetched, limit) {
    const key = (id) => String(id).slice(0, 15);
    const changed = new Set(askedIds.map(key));
    const kept = current.filter((message) => !changed.has(key(message.id)));
    return [...kept, ...fetched].sort(byCreatedDate).slice(-limit);
}

const STATUS_LABELS = {
    [ConnectionState.CONNECTING]: 'Connecting…',
    [ConnectionState.CONNECTED]: 'Connected',
    [ConnectionState.RECONNECTING]: 'Reconnecting…',
    [ConnectionState.OFFLINE]: 'Offline'
};

export default class WebsocketChat extends LightningElement {
    /** Card title (App Builder / Experience Builder property). */
    @api cardTitle = 'Chat';
    /** How many recent messages to show (1–200). */
    @api messageLimit = 50;

    messages = [];
    users = [];
    errors = [];
    typingText = '';
    connectionState = ConnectionState.CONNECTING;
    upstream = null;
    isLoading = true;
    isSending = false;
    isChangingPresence = false;
    currentUserId = CURRENT_USER_ID;

    chatSocket;
    disposed = false;

    connectedCallback() {
        this.disposed = false;
        this.initialize();
    }

    disconnectedCallback() {
        this.disposed = true;
        if (this.chatSocket) {
            this.chatSocket.stop();
            this.chatSocket = null;
        }
    }

    async initialize() {
        // History first: the chat is readable even when the bridge cannot be reached.
        await this.refresh({ messages: true, users: true });
        this.isLoading = false;
        try {
            await loadScript(this, SOCKET_IO_URL);
            if (this.disposed) {
                return;
            }
            const socket = new ChatSocket({
                io: resolveIo(window),
                getConnection: () => getBridgeConnection(),
                currentUserId: CURRENT_USER_ID,
                onRefresh: (scope) => this.refresh(scope),
                onStatus: (status) => this.handleStatus(status),
                onTyping: (names) => {
                    this.typingText = describeTypers(names);
                },
                onError: (error) => this.reportError(error)
            });
            this.chatSocket = socket;
            await socket.start();
        } catch (error) {
            this.connectionState = ConnectionState.OFFLINE;
            this.reportError(error);
        }
    }

    /**
     * Reloads what the scope says through Apex. Errors go to the one error path.
     * @param {{messages: boolean, users: boolean, messageIds?: string[]}} scope What to reload: the
     *   whole history, the people, or only the messages named.
     */
    async refresh(scope) {
        const loads = [];
        const messageIds = scope.messageIds || [];
        // More changed messages than the history shows (a long catch-up): one full reload reads fewer rows.
        if (scope.messages || messageIds.length > this.maxMessages) {
            loads.push(
                getRecentMessages({ maxMessages: this.maxMessages }).then((messages) => {
                    this.messages = messages || [];
                })
            );
        } else if (messageIds.length > 0) {
            loads.push(
                getMessagesByIds({ messageIds }).then((fetched) => {
                    this.messages = applyChangedMessages(this.messages, messageIds, fetched || [], this.maxMessages);
                })
            );
        }
        if (scope.users) {
            loads.push(
                getActiveUsers().then((users) => {
                    this.users = users || [];
                })
            );
        }
        try {
            await Promise.all(loads);
        } catch (error) {
            this.reportError(error);
        }
    }

    /** messageLimit as a number (builder properties may arrive as strings), 1–200. */
    get maxMessages() {
        const limit = parseInt(this.messageLimit, 10);
        return Number.isNaN(limit) ? 50 : Math.min(200, Math.max(1, limit));
    }

    handleStatus(status) {
        this.connectionState = status.state || ConnectionState.OFFLINE;
        this.upstream = status.upstream || null;
    }

    /** The single error path of the component. */
    reportError(error) {
        const messages = reduceErrors(error);
        if (messages.length > 0) {
            this.errors = messages;
        }
    }

    handleDismissErrors() {
        this.errors = [];
    }

    /** c/chatComposer `typingstart`: chatSocket throttles typing:start and schedules the idle stop. */
    handleTypingStart() {
        if (this.chatSocket) {
            this.chatSocket.notifyTyping();
        }
    }

    /** c/chatComposer `typingstop`: the draft was emptied or the field lost focus. */
    handleTypingStop() {
        if (this.chatSocket) {
            this.chatSocket.stopTyping();
        }
    }

    /**
     * c/chatComposer `send`: posts through Apex and clears the composer only once it is saved.
     * @param {CustomEvent<{content: string}>} event The trimmed, non-blank draft.
     */
    async handleSend(event) {
        // The composer learns sending=true only on the next render: a second Enter may come first.
        if (this.isSending) {
            return;
        }
        this.handleTypingStop();
        this.isSending = true;
        try {
            const saved = await postMessage({ content: event.detail.content });
            const composer = this.template.querySelector('c-chat-composer');
            if (composer) {
                composer.clear();
            }
            // Show it at once; the trigger's event makes every tab (this one too) fetch that message.
            if (saved && !this.messages.some((message) => message.id === saved.id)) {
                this.messages = [...this.messages, saved];
            }
        } catch (error) {
            this.reportError(error);
        } finally {
            this.isSending = false;
        }
    }

    async handleEnter() {
        await this.changePresence(enterChat);
    }

    async handleLeave() {
        await this.changePresence(leaveChat);
    }

    async changePresence(apexMethod) {
        this.isChangingPresence = true;
        try {
            await apexMethod();
            // The User trigger tells everyone; reload our own list too in case the bridge is down.
            await this.refresh({ messages: false, users: true });
        } catch (error) {
            this.reportError(error);
        } finally {
            this.isChangingPresence = false;
        }
    }

    get isJoined() {
        return this.users.some((user) => sameUserId(user.id, CURRENT_USER_ID));
    }

    get isNotJoined() {
        return !this.isJoined;
    }

    get hasErrors() {
        return this.errors.length > 0;
    }

    get statusLabel() {
        return STATUS_LABELS[this.connectionState] || STATUS_LABELS[ConnectionState.OFFLINE];
    }

    get statusClass() {
        const theme = {
            [ConnectionState.CONNECTED]: 'slds-badge slds-theme_success',
            [ConnectionState.CONNECTING]: 'slds-badge',
            [ConnectionState.RECONNECTING]: 'slds-badge slds-theme_warning',
            [ConnectionState.OFFLINE]: 'slds-badge slds-theme_error'
        };
        return theme[this.connectionState] || theme[ConnectionState.OFFLINE];
    }

    get isLive() {
        return this.connectionState === ConnectionState.CONNECTED;
    }

    get upstreamWarning() {
        if (!this.isLive || !this.upstream || this.upstream === 'connected') {
            return '';
        }
        return 'Live updates are delayed: the chat server is reconnecting to Salesforce.';
    }

    get offlineHint() {
        return this.connectionState === ConnectionState.OFFLINE
            ? 'Live updates are off. Messages you send are still saved.'
            : '';
    }
}

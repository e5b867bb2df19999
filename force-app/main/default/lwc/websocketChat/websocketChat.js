/**
 * websocketChat: real-time chat inside Lightning, in rooms. Rooms, history, posting and read marks
 * go through Apex ChatRoomController; the people in the chat, entering and leaving it and the
 * bridge token through ChatController (both user mode). The socket to the sf-chat-bridge only says
 * WHEN to reload (chat:event, bridge:resync, every reconnect) and who is typing. A message event of
 * the room shown reloads only the message it names (getMessagesByIds): with many tabs open, a
 * posted message costs each one Apex call reading the changed rows, not the whole history; one of
 * another room costs nothing (the unread count rises locally); the whole history is reloaded on a
 * connect without a catch-up position and on bridge:resync, with the room list. Read marks are
 * written when a room is opened and when the user switches away from it, never per message.
 * Starts in the default room, or on a record page (`recordId`) in that record's room
 * (openRecordRoom, created on first use). Socket handling lives in the template-less c/chatSocket
 * module, room list rules in c/chatRooms; every error goes through one path (reportError →
 * c/chatErrors.reduceErrors). This component orchestrates and owns the state; it is drawn by
 * children that get data through @api properties and report what the user does with events:
 * c/chatRoomList (rooms), c/chatRoomForm (New room, Add members), c/chatMessageList (history),
 * c/chatParticipants (who is in the chat) and c/chatComposer (draft, typing and send).
 *
 * Portability: the same component is compiled with LWC OSS for a local preview page, where only
 * these imports are shimmed: @salesforce/apex/<Class>.<method>, @salesforce/user/Id,
 * @salesforce/resourceUrl/socketiojs and lightning/platformResourceLoader. Keep it that way: no
 * other @salesforce/* or lightning/* modules, only base components that lightning-base-components
 * ships, and imperative Apex calls.
 */
import { LightningElement, api } from 'lwc';
import { loadScript } from 'lightning/platformResourceLoader';
import SOCKET_IO_URL from '@salesforce/resourceUrl/socketiojs';
import CURRENT_USER_ID from '@salesforce/user/Id';
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
import { ChatSocket, ConnectionState, describeTypers, resolveIo, sameUserId } from 'c/chatSocket';
import {
    canAddMembers,
    canJoin,
    canLeave,
    countUnread,
    findRoom,
    idKey,
    markRoomRead,
    memberChoices,
    needsReadMark,
    RoomFormMode,
    roomsFromApex,
    sameId,
    startingRoom
} from 'c/chatRooms';
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
    const changed = new Set(askedIds.map(idKey));
    const kept = current.filter((message) => !changed.has(idKey(message.id)));
    return [...kept, ...fetched].sort(byCreatedDate).slice(-limit);
}

/**
 * The confirmation after addMembers.
 * @param {number} added Memberships created (those already members are not counted).
 * @returns {string} e.g. "Added 2 members. They see the room when they next load the chat."
 */
function addedMembersNotice(added) {
    if (!added) {
        return 'Everyone chosen was already a member.';
    }
    return `Added ${added} ${added === 1 ? 'member' : 'members'}. They see the room when they next load the chat.`;
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
    /** The rooms, in list order (c/chatRooms keeps them). */
    rooms = [];
    /** Id of the room shown (18 characters, as Apex returned it), null until known. */
    currentRoomId = null;
    typingText = '';
    connectionState = ConnectionState.CONNECTING;
    upstream = null;
    isLoading = true;
    isSending = false;
    isChangingPresence = false;
    /** Unsent drafts of the rooms not shown, by idKey(roomId); in memory for the page's life. */
    drafts = new Map();
    /** While a room is created, joined, left or switched to. */
    isChangingRoom = false;
    /** What c/chatRoomForm is open for (RoomFormMode), null while it is closed. */
    roomFormMode = null;
    /** A short confirmation about the room shown (members added), '' for none. */
    roomNotice = '';
    currentUserId = CURRENT_USER_ID;

    chatSocket;
    disposed = false;
    pageRecordId = null;

    /** On a record page: the record whose room is opened (created on first use) and shown first. */
    @api
    get recordId() {
        return this.pageRecordId;
    }
    set recordId(value) {
        this.pageRecordId = value || null;
    }

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
        // History first: the chat is readable even when the bridge cannot be reached. The record
        // room is opened before the token is signed, so its rooms claim already names it.
        await this.openStartingRoom();
        await Promise.all([this.refresh({ messages: true, users: true }), this.markRead(this.currentRoomId)]);
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
                roomId: this.currentRoomId,
                // A full reload (no catch-up position, resync) re-reads the room list too: unread
                // counts may have moved while nothing was heard.
                onRefresh: (scope) => this.refresh({ ...scope, rooms: scope.messages && scope.users }),
                onOtherRoomEvent: (event) => this.handleOtherRoomEvent(event),
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
     * Picks the first room: the record's room on a record page (when the user may not read the
     * record, the error is shown and the default room opens instead), else the default room.
     */
    async openStartingRoom() {
        let recordRoomId = null;
        if (this.pageRecordId) {
            try {
                recordRoomId = await openRecordRoom({ recordId: this.pageRecordId });
            } catch (error) {
                this.reportError(error);
            }
        }
        await this.loadRooms();
        const start = recordRoomId ? findRoom(this.rooms, recordRoomId) || { id: recordRoomId } : startingRoom(this.rooms);
        this.currentRoomId = start ? start.id : null;
        this.rooms = markRoomRead(this.rooms, this.currentRoomId);
    }

    /** Reloads the room list (listRooms); errors go to the one error path. */
    async loadRooms() {
        try {
            this.rooms = roomsFromApex(await listRooms(), this.currentRoomId);
        } catch (error) {
            this.reportError(error);
        }
    }

    /**
     * Marks a room read up to now (ChatRoomController.markRead) when the user is a member of it
     * (c/chatRooms needsReadMark). Errors go to the one error path.
     * @param {string|null} roomId The room; nothing happens for null.
     */
    async markRead(roomId) {
        if (!needsReadMark(this.rooms, roomId)) {
            return;
        }
        try {
            await markRead({ roomId });
        } catch (error) {
            this.reportError(error);
        }
    }

    /**
     * Reloads what the scope says through Apex, for the room shown. Answers that arrive after the
     * user switched rooms are dropped. Errors go to the one error path.
     * @param {{messages: boolean, users: boolean, messageIds?: string[], rooms?: boolean}} scope What
     *   to reload: the whole history, the people, only the messages named, the room list.
     */
    async refresh(scope) {
        const roomId = this.currentRoomId;
        const stillShown = () => sameId(roomId, this.currentRoomId);
        const loads = [];
        const messageIds = scope.messageIds || [];
        if (!roomId) {
            // No room to read (listRooms failed): its error is shown; nothing to load.
        } else if (scope.messages || messageIds.length > this.maxMessages) {
            // More changed messages than the history shows (a long catch-up): one full reload reads fewer rows.
            loads.push(
                getRecentMessages({ roomId, maxMessages: this.maxMessages }).then((messages) => {
                    if (stillShown()) {
                        this.messages = messages || [];
                    }
                })
            );
        } else if (messageIds.length > 0) {
            loads.push(
                getMessagesByIds({ roomId, messageIds }).then((fetched) => {
                    if (stillShown()) {
                        this.messages = applyChangedMessages(this.messages, messageIds, fetched || [], this.maxMessages);
                    }
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
        if (scope.rooms) {
            loads.push(this.loadRooms());
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

    /** c/chatSocket: a `chat:event` of another room than the one shown (unread counts; no Apex). */
    handleOtherRoomEvent(event) {
        this.rooms = countUnread(this.rooms, event, { currentRoomId: this.currentRoomId, currentUserId: CURRENT_USER_ID });
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

    // ---- rooms ----

    /** c/chatRoomList `select`: shows the room chosen. */
    async handleSelectRoom(event) {
        const roomId = event.detail.roomId;
        if (!roomId || sameId(roomId, this.currentRoomId) || this.isChangingRoom) {
            return;
        }
        await this.changeRoom(() => this.showRoom(roomId));
    }

    /**
     * Shows a room: its history, marked read; the room left is marked read too (what arrived while
     * it was shown was seen). Typing and events follow the new room at once.
     * @param {string} roomId The room to show.
     */
    async showRoom(roomId) {
        const previous = this.currentRoomId;
        this.swapDraft(previous, roomId);
        this.currentRoomId = roomId;
        this.messages = [];
        this.typingText = '';
        this.roomNotice = '';
        // Members chosen for one room are not meant for the next.
        this.closeAddMembers();
        if (this.chatSocket) {
            this.chatSocket.setRoom(roomId);
        }
        this.rooms = markRoomRead(this.rooms, roomId);
        const previousRead = previous && !sameId(previous, roomId) ? this.markRead(previous) : null;
        await Promise.all([this.refresh({ messages: true, users: false }), this.markRead(roomId), previousRead]);
    }

    /**
     * Keeps the composer's text as the draft of the room left and shows the draft of the room
     * opened ('' if none), so Enter only posts what was typed in the room shown.
     * @param {string|null} previous The room left (null when none was shown).
     * @param {string} next The room opened.
     */
    swapDraft(previous, next) {
        const composer = this.template.querySelector('c-chat-composer');
        if (!composer || sameId(previous, next)) {
            return;
        }
        if (previous) {
            this.setRoomDraft(previous, composer.getDraft());
        }
        composer.setDraft(this.drafts.get(idKey(next)) || '');
    }

    /**
     * Keeps (or, for blank text, forgets) the unsent draft of a room not shown.
     * @param {string} roomId The room.
     * @param {string} text The draft as typed.
     */
    setRoomDraft(roomId, text) {
        if (text && text.trim()) {
            this.drafts.set(idKey(roomId), text);
        } else {
            this.drafts.delete(idKey(roomId));
        }
    }

    /**
     * Signs the socket in again so the token's rooms claim follows a membership change (it is
     * computed when the token is signed).
     */
    async refreshSocketRooms() {
        if (this.chatSocket) {
            await this.chatSocket.refreshRooms();
        }
    }

    handleOpenRoomForm() {
        this.openRoomForm(RoomFormMode.CREATE);
    }

    /** "Add members": the form for members of the room shown. */
    handleOpenAddMembers() {
        this.openRoomForm(RoomFormMode.ADD);
    }

    handleCancelRoomForm() {
        this.roomFormMode = null;
    }

    openRoomForm(mode) {
        this.roomNotice = '';
        this.roomFormMode = mode;
    }

    closeAddMembers() {
        if (this.roomFormMode === RoomFormMode.ADD) {
            this.roomFormMode = null;
        }
    }

    get isRoomFormOpen() {
        return this.roomFormMode !== null;
    }

    /**
     * c/chatRoomForm `create`: creates the room through Apex, lists it, signs the socket in for it
     * and shows it; the form closes only once the room exists.
     * @param {CustomEvent<{name: string, roomType: string, memberIds: string[]}>} event
     */
    async handleCreateRoom(event) {
        const { name, roomType, memberIds } = event.detail;
        await this.changeRoom(async () => {
            const roomId = await createRoom({ name, roomType, memberIds });
            this.roomFormMode = null;
            await Promise.all([this.loadRooms(), this.refreshSocketRooms()]);
            await this.showRoom(roomId);
        });
    }

    /**
     * c/chatRoomForm `add`: adds the people ticked to the room shown (one addMembers call; they are
     * not present, so nothing is published and this user's token and list do not change). They
     * learn of the room at their next room list read. The form closes once Apex added them.
     * @param {CustomEvent<{memberIds: string[]}>} event
     */
    async handleAddMembers(event) {
        const roomId = this.currentRoomId;
        const { memberIds } = event.detail;
        await this.changeRoom(async () => {
            const added = await addMembers({ roomId, userIds: memberIds });
            this.roomFormMode = null;
            this.roomNotice = addedMembersNotice(added);
        });
    }

    /** "Join room": the user becomes a present member of the public room shown. */
    async handleJoinRoom() {
        const roomId = this.currentRoomId;
        await this.changeRoom(async () => {
            await joinRoom({ roomId });
            await Promise.all([this.loadRooms(), this.refreshSocketRooms()]);
            // A member now: what is on screen counts as read.
            await this.markRead(roomId);
        });
    }

    /**
     * "Leave room": the membership of the room shown goes; when the room is no longer readable (a
     * private room), the default room is shown instead.
     */
    async handleLeaveRoom() {
        const roomId = this.currentRoomId;
        await this.changeRoom(async () => {
            await leaveRoom({ roomId });
            this.closeAddMembers();
            this.roomNotice = '';
            await Promise.all([this.loadRooms(), this.refreshSocketRooms()]);
            if (!findRoom(this.rooms, roomId)) {
                const fallback = startingRoom(this.rooms);
                if (fallback) {
                    await this.showRoom(fallback.id);
                }
            }
        });
    }

    /** Runs one room change at a time, with the room controls disabled meanwhile; errors are shown. */
    async changeRoom(change) {
        this.isChangingRoom = true;
        try {
            await change();
        } catch (error) {
            this.reportError(error);
        } finally {
            this.isChangingRoom = false;
        }
    }

    get currentRoom() {
        return findRoom(this.rooms, this.currentRoomId);
    }

    get currentRoomName() {
        const room = this.currentRoom;
        return room ? room.name : '';
    }

    get showJoinRoom() {
        return canJoin(this.currentRoom);
    }

    get showLeaveRoom() {
        return canLeave(this.currentRoom);
    }

    get showAddMembers() {
        return canAddMembers(this.currentRoom);
    }

    get roomPeople() {
        return memberChoices(this.users, this.messages, CURRENT_USER_ID);
    }

    // ---- typing and sending ----

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
     * c/chatComposer `send`: posts to the room shown through Apex and clears the composer only once
     * it is saved.
     * @param {CustomEvent<{content: string}>} event The trimmed, non-blank draft.
     */
    async handleSend(event) {
        // The composer learns sending=true only on the next render: a second Enter may come first.
        if (this.isSending) {
            return;
        }
        const roomId = this.currentRoomId;
        this.handleTypingStop();
        this.isSending = true;
        try {
            const saved = await postMessage({ roomId, content: event.detail.content });
            // Clear only the draft of the room it was typed in: the user may have switched meanwhile.
            const composer = this.template.querySelector('c-chat-composer');
            if (!sameId(roomId, this.currentRoomId)) {
                this.drafts.delete(idKey(roomId));
            } else if (composer) {
                composer.clear();
            }
            // Show it at once; the trigger's event makes every tab (this one too) fetch that message.
            if (saved && sameId(roomId, this.currentRoomId) && !this.messages.some((message) => message.id === saved.id)) {
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

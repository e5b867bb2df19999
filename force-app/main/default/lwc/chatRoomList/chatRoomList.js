/**
 * chatRoomList: the rooms of websocketChat, one button per room, the room shown marked
 * (`aria-current`), with its unread count. It exists so the parent only hands over the rooms (as
 * c/chatRooms keeps them) and hears what the user picks:
 * - `select`, detail `{ roomId }`: the user chose a room (also the one shown; the parent ignores it);
 * - `newroom`: the user asked for the form to create a room.
 */
import { LightningElement, api } from 'lwc';
import { sameId } from 'c/chatRooms';

const TYPE_LABELS = Object.freeze({ Public: 'Public room', Private: 'Private room', Record: 'Record room' });

export default class ChatRoomList extends LightningElement {
    /**
     * Rooms in list order: ChatRoomController.listRooms RoomViews
     * `{ id, name, type, recordId, isDefault, isMember, present, unreadCount }`.
     * @type {object[]}
     */
    @api rooms = [];

    /** Id of the room shown (15 or 18 characters). */
    @api currentRoomId;

    /** While true (a room is being created or switched) the New room button is disabled. */
    @api busy = false;

    get items() {
        return (this.rooms || []).map((room) => {
            const current = sameId(room.id, this.currentRoomId);
            const unread = current ? 0 : Number(room.unreadCount) || 0;
            return {
                id: room.id,
                name: room.name,
                ariaCurrent: current ? 'true' : 'false',
                unread,
                hasUnread: unread > 0,
                unreadLabel: unread === 1 ? 'unread message' : 'unread messages',
                typeLabel: TYPE_LABELS[room.type] || '',
                buttonClass: current ? 'chat-room slds-button slds-button_brand' : 'chat-room slds-button slds-button_neutral'
            };
        });
    }

    get isEmpty() {
        return !this.rooms || this.rooms.length === 0;
    }

    handleSelect(event) {
        this.dispatchEvent(new CustomEvent('select', { detail: { roomId: event.currentTarget.dataset.roomId } }));
    }

    handleNewRoom() {
        this.dispatchEvent(new CustomEvent('newroom'));
    }
}

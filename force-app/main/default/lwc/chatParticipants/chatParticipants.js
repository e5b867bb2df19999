/**
 * chatParticipants: the sidebar of websocketChat listing who is in the room (name and photo) and how
 * many. It exists so the parent only hands over ChatController.getActiveUsers' answer; it shows what
 * it is given and sends no events.
 */
import { LightningElement, api } from 'lwc';

export default class ChatParticipants extends LightningElement {
    /**
     * People in the room, as ChatController.getActiveUsers returns them: `{ id, name, photoUrl }`.
     * @type {object[]}
     */
    @api users = [];

    get userCountLabel() {
        return this.users.length === 1 ? '1 person in the chat' : `${this.users.length} people in the chat`;
    }
}

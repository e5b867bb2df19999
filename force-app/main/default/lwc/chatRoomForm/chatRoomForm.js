/**
 * chatRoomForm: the New room form of websocketChat (name, Public or Private, members). It exists to
 * keep the form's state and checks out of the parent, which owns Apex. It says what the user does:
 * - `create`, detail `{ name, roomType, memberIds }`: a trimmed name of 1–80 characters, `Public`
 *   or `Private`, the ids of the members ticked (for ChatRoomController.createRoom). The parent
 *   closes the form once the room exists, so a refused name is not lost;
 * - `cancel`: the user closed the form.
 */
import { LightningElement, api } from 'lwc';

/** ChatRoomService.MAX_NAME_LENGTH. */
const MAX_NAME_LENGTH = 80;

const TYPE_OPTIONS = Object.freeze([
    { label: 'Public', value: 'Public' },
    { label: 'Private', value: 'Private' }
]);

export default class ChatRoomForm extends LightningElement {
    /**
     * Who can be added: `{ id, name }` (c/chatRooms memberChoices), shown by full name.
     * @type {{id: string, name: string}[]}
     */
    @api people = [];

    /** While true (Apex is creating the room) Create room is disabled. */
    @api busy = false;

    name = '';
    roomType = 'Public';
    memberIds = [];
    maxNameLength = MAX_NAME_LENGTH;
    typeOptions = TYPE_OPTIONS;

    get memberOptions() {
        return (this.people || []).map((person) => ({ label: person.name, value: person.id }));
    }

    get hasPeople() {
        return this.memberOptions.length > 0;
    }

    get createDisabled() {
        return this.busy || !this.name.trim();
    }

    handleNameChange(event) {
        this.name = (event.detail && event.detail.value) || '';
    }

    handleTypeChange(event) {
        this.roomType = event.detail.value;
    }

    handleMembersChange(event) {
        this.memberIds = [...(event.detail.value || [])];
    }

    handleSubmit() {
        const name = this.name.trim();
        if (!name || this.busy) {
            return;
        }
        this.dispatchEvent(
            new CustomEvent('create', { detail: { name, roomType: this.roomType, memberIds: [...this.memberIds] } })
        );
    }

    handleCancel() {
        this.dispatchEvent(new CustomEvent('cancel'));
    }
}

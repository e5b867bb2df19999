/**
 * chatRoomForm: the room form of websocketChat, in one of two modes (c/chatRooms RoomFormMode), so
 * the member checkboxes exist once. It keeps the form's state and checks out of the parent, which
 * owns Apex. It says what the user does:
 * - `create` (mode `create`, New room), detail `{ name, roomType, memberIds }`: a trimmed name of
 *   1–80 characters, `Public` or `Private`, the ids of the members ticked (for
 *   ChatRoomController.createRoom);
 * - `add` (mode `add`, Add members to the room shown), detail `{ memberIds }`: at least one id (for
 *   ChatRoomController.addMembers);
 * - `cancel`: the user closed the form.
 * The parent closes the form once Apex succeeded, so a refused name or choice is not lost.
 */
import { LightningElement, api } from 'lwc';
import { RoomFormMode } from 'c/chatRooms';

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

    /** While true (Apex is creating the room or adding members) the submit button is disabled. */
    @api busy = false;

    /**
     * RoomFormMode.CREATE (the default) or RoomFormMode.ADD; anything else is CREATE. A new mode
     * starts a blank form: members ticked for one room are not carried over to another.
     * @type {string}
     */
    @api
    get mode() {
        return this.formMode;
    }
    set mode(value) {
        const next = value === RoomFormMode.ADD ? RoomFormMode.ADD : RoomFormMode.CREATE;
        if (next !== this.formMode) {
            this.name = '';
            this.roomType = 'Public';
            this.memberIds = [];
        }
        this.formMode = next;
    }

    formMode = RoomFormMode.CREATE;
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

    get isCreate() {
        return this.formMode === RoomFormMode.CREATE;
    }

    get formLabel() {
        return this.isCreate ? 'New room' : 'Add members';
    }

    get submitLabel() {
        return this.isCreate ? 'Create room' : 'Add';
    }

    get noPeopleText() {
        return this.isCreate
            ? 'Nobody else to add: you will be its only member.'
            : 'Nobody to add: only people in the chat and authors of the messages shown can be chosen.';
    }

    /** Create room needs a name; Add needs someone ticked. */
    get submitDisabled() {
        return this.busy || (this.isCreate ? !this.name.trim() : this.memberIds.length === 0);
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
        if (this.submitDisabled) {
            return;
        }
        const memberIds = [...this.memberIds];
        const event = this.isCreate
            ? new CustomEvent('create', { detail: { name: this.name.trim(), roomType: this.roomType, memberIds } })
            : new CustomEvent('add', { detail: { memberIds } });
        this.dispatchEvent(event);
    }

    handleCancel() {
        this.dispatchEvent(new CustomEvent('cancel'));
    }
}

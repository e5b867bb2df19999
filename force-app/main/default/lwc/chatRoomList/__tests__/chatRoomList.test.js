/**
 * c-chat-room-list on its own: one button per room named by the room, the room shown marked
 * current and never badged, unread counts only above zero, and what it tells its parent.
 */
import { createElement } from '@lwc/engine-dom';
import ChatRoomList from 'c/chatRoomList';

const ROOMS = [
    { id: 'a0R000000000001AAA', name: 'General', type: 'Public', isDefault: true, isMember: true, unreadCount: 5 },
    { id: 'a0R000000000002AAA', name: 'Deal Desk', type: 'Private', isDefault: false, isMember: true, unreadCount: 1 },
    { id: 'a0R000000000003AAA', name: 'Launch', type: 'Public', isDefault: false, isMember: false, unreadCount: 0 }
];

async function render(props) {
    const element = createElement('c-chat-room-list', { is: ChatRoomList });
    Object.assign(element, props);
    document.body.appendChild(element);
    await Promise.resolve();
    return element;
}

describe('c-chat-room-list', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows a button per room, the current one marked and unbadged, badges only above zero', async () => {
        const element = await render({ rooms: ROOMS, currentRoomId: 'a0R000000000001' });
        const buttons = [...element.shadowRoot.querySelectorAll('button[data-id="room"]')];

        expect(buttons.map((b) => b.dataset.roomId)).toEqual(ROOMS.map((r) => r.id));
        expect(buttons.map((b) => b.getAttribute('aria-current'))).toEqual(['true', 'false', 'false']);
        expect(buttons.map((b) => b.querySelector('[data-id="unread"]')?.textContent ?? null)).toEqual([null, '1', null]);
        expect(buttons[1].textContent).toBe('Deal Desk1unread message');
    });

    it('says which room was chosen and when a new one is asked for', async () => {
        const element = await render({ rooms: ROOMS, currentRoomId: ROOMS[0].id });
        const selected = jest.fn();
        const newRoom = jest.fn();
        element.addEventListener('select', (event) => selected(event.detail));
        element.addEventListener('newroom', newRoom);

        element.shadowRoot.querySelectorAll('button[data-id="room"]')[2].click();
        element.shadowRoot.querySelector('[data-id="new-room"]').click();

        expect(selected).toHaveBeenCalledWith({ roomId: 'a0R000000000003AAA' });
        expect(newRoom).toHaveBeenCalledTimes(1);
    });

    it('says so when there are no rooms, and is accessible', async () => {
        const element = await render({ rooms: [], currentRoomId: null });

        expect(element.shadowRoot.querySelector('[data-id="no-rooms"]')).not.toBeNull();
        await expect(element).toBeAccessible();
    });
});

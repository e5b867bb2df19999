/**
 * c-chat-participants on its own: who is in the room, with photo (or the user icon), how many, and
 * that the sidebar passes the axe checks.
 */
import { createElement } from '@lwc/engine-dom';
import ChatParticipants from 'c/chatParticipants';

const mockUsers = require('./data/users.json');

function render(users) {
    const element = createElement('c-chat-participants', { is: ChatParticipants });
    element.users = users;
    document.body.appendChild(element);
    return element;
}

const qa = (element, dataId) => [...element.shadowRoot.querySelectorAll(`[data-id="${dataId}"]`)];
const q = (element, dataId) => element.shadowRoot.querySelector(`[data-id="${dataId}"]`);

describe('c-chat-participants', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('lists each person by name with their photo, the user icon when they have none', () => {
        const element = render(mockUsers);

        expect(qa(element, 'user-name').map((node) => node.textContent)).toEqual(['Ana Alvarez', 'Ben Brown']);
        const avatars = [...element.shadowRoot.querySelectorAll('lightning-avatar')];
        expect(avatars.map((avatar) => avatar.src)).toEqual([mockUsers[0].photoUrl, undefined]);
        avatars.forEach((avatar) => expect(avatar.fallbackIconName).toBe('standard:user'));
        expect(avatars.map((avatar) => avatar.alternativeText)).toEqual(['Ana Alvarez', 'Ben Brown']);
    });

    it('counts the people in the chat, in words', async () => {
        const element = render(mockUsers);
        expect(q(element, 'user-count').textContent).toBe('2 people in the chat');

        element.users = mockUsers.slice(0, 1);
        await Promise.resolve();
        expect(q(element, 'user-count').textContent).toBe('1 person in the chat');

        element.users = [];
        await Promise.resolve();
        expect(q(element, 'user-count').textContent).toBe('0 people in the chat');
        expect(qa(element, 'user')).toHaveLength(0);
    });

    it('passes the axe checks', async () => {
        const element = render(mockUsers);

        await expect(element).toBeAccessible();
    });
});

/**
 * c-chat-message-list on its own: what the reader sees of the history it is given (order, the "you"
 * side, authors, times, the empty room), that it keeps the newest message in view, and that the log
 * is announced politely and passes the axe checks.
 */
import { createElement } from '@lwc/engine-dom';
import ChatMessageList from 'c/chatMessageList';

const mockMessages = require('./data/messages.json');

const CURRENT_USER_ID = '005000000000001AAA';

function render(props) {
    const element = createElement('c-chat-message-list', { is: ChatMessageList });
    Object.assign(element, { currentUserId: CURRENT_USER_ID, ...props });
    document.body.appendChild(element);
    return element;
}

const qa = (element, dataId) => [...element.shadowRoot.querySelectorAll(`[data-id="${dataId}"]`)];
const q = (element, dataId) => element.shadowRoot.querySelector(`[data-id="${dataId}"]`);

describe('c-chat-message-list', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows every message in order, with its line breaks, author and time', () => {
        const element = render({ messages: mockMessages });

        expect(qa(element, 'content').map((node) => node.textContent)).toEqual(mockMessages.map((m) => m.content));
        expect(qa(element, 'author').map((node) => node.textContent)).toEqual(['Ana Alvarez', 'Current User', 'Unknown user']);
        expect(qa(element, 'time').map((node) => node.value)).toEqual(mockMessages.map((m) => m.createdDate));
        expect(q(element, 'empty')).toBeNull();
    });

    it('puts the current user’s messages on the outbound side, matching 15- and 18-character ids', () => {
        const element = render({ messages: mockMessages });

        const sides = qa(element, 'message').map((item) => item.classList.contains('slds-chat-listitem_outbound'));
        expect(sides).toEqual([false, true, false]);
        const bubbles = [...element.shadowRoot.querySelectorAll('.slds-chat-message__text')];
        expect(bubbles.map((b) => b.classList.contains('slds-chat-message__text_outbound'))).toEqual([false, true, false]);
    });

    it('says so when the room has no messages yet', () => {
        const element = render({ messages: [] });

        expect(q(element, 'empty').textContent).toBe('No messages yet.');
        expect(qa(element, 'message')).toHaveLength(0);
    });

    it('shows a newer history when it is given one, scrolled to the newest message', async () => {
        const element = render({ messages: mockMessages.slice(0, 1) });
        const log = q(element, 'messages');
        // jsdom lays nothing out: give the log a height to scroll to
        Object.defineProperty(log, 'scrollHeight', { configurable: true, value: 640 });
        log.scrollTop = 0;

        element.messages = mockMessages;
        await Promise.resolve();

        expect(qa(element, 'message')).toHaveLength(3);
        expect(log.scrollTop).toBe(640);
    });

    it('gives every avatar its author as text alternative', () => {
        const element = render({ messages: mockMessages });

        const avatars = [...element.shadowRoot.querySelectorAll('lightning-avatar')];
        expect(avatars.map((avatar) => avatar.alternativeText)).toEqual(['Ana Alvarez', 'Current User', 'Unknown user']);
    });

    it('is a focusable, politely announced log that passes the axe checks, empty or not', async () => {
        const element = render({ messages: mockMessages });

        const log = q(element, 'messages');
        expect(log.getAttribute('role')).toBe('log');
        expect(log.getAttribute('aria-live')).toBe('polite');
        expect(log.getAttribute('aria-label')).toBe('Chat messages');
        expect(log.getAttribute('tabindex')).toBe('0');
        await expect(element).toBeAccessible();

        element.messages = [];
        await Promise.resolve();
        await expect(element).toBeAccessible();
    });
});

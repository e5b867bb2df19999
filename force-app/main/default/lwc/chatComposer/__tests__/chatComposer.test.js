/**
 * c-chat-composer on its own: the keys and clicks a user makes and the events the parent gets for
 * them (typingstart / typingstop / send), the draft kept until the parent clears it, the length limit,
 * and that the composer passes the axe checks.
 */
import { createElement } from '@lwc/engine-dom';
import ChatComposer from 'c/chatComposer';

/** Renders the composer and records every event it sends up, in order. */
function render(props = {}) {
    const element = createElement('c-chat-composer', { is: ChatComposer });
    Object.assign(element, props);
    const events = [];
    ['typingstart', 'typingstop', 'send'].forEach((name) =>
        element.addEventListener(name, (event) => events.push(event.detail ? { name, ...event.detail } : { name }))
    );
    document.body.appendChild(element);
    return { element, events };
}

const q = (element, dataId) => element.shadowRoot.querySelector(`[data-id="${dataId}"]`);

async function typeDraft(element, value) {
    const textarea = q(element, 'draft');
    textarea.value = value;
    textarea.dispatchEvent(new CustomEvent('change', { detail: { value } }));
    await Promise.resolve();
}

function pressKey(element, key, init = {}) {
    const event = new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...init });
    q(element, 'draft').dispatchEvent(event);
    return event;
}

describe('c-chat-composer', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('offers a labelled message field limited to the length of Chat_Message__c.Content__c', () => {
        const { element } = render();

        const textarea = q(element, 'draft');
        expect(textarea.label).toBe('Message');
        expect(textarea.maxLength).toBe(32768);
        expect(q(element, 'send').disabled).toBe(true);
    });

    it('says the user is typing on every change, and stops when the draft is emptied or left', async () => {
        const { element, events } = render();

        await typeDraft(element, 'H');
        await typeDraft(element, 'Hi');
        await typeDraft(element, '');
        await typeDraft(element, 'Hey');
        q(element, 'draft').dispatchEvent(new CustomEvent('blur'));

        expect(events.map((e) => e.name)).toEqual(['typingstart', 'typingstart', 'typingstop', 'typingstart', 'typingstop']);
    });

    it('sends the trimmed draft on Enter and keeps it until the parent clears it', async () => {
        const { element, events } = render();
        await typeDraft(element, '  On my way  ');

        const event = pressKey(element, 'Enter');

        expect(event.defaultPrevented).toBe(true);
        expect(events.filter((e) => e.name === 'send')).toEqual([{ name: 'send', content: 'On my way' }]);
        expect(q(element, 'draft').value).toBe('  On my way  ');

        element.clear();
        await Promise.resolve();
        expect(q(element, 'draft').value).toBe('');
        expect(q(element, 'send').disabled).toBe(true);
    });

    it('sends on the Send button too', async () => {
        const { element, events } = render();
        await typeDraft(element, 'Hello');

        q(element, 'send').click();

        expect(events.filter((e) => e.name === 'send')).toEqual([{ name: 'send', content: 'Hello' }]);
    });

    it('keeps Shift+Enter and Enter while an IME is composing as typing, not sending', async () => {
        const { element, events } = render();
        await typeDraft(element, 'Line one');

        const shifted = pressKey(element, 'Enter', { shiftKey: true });
        const composing = pressKey(element, 'Enter', { isComposing: true });

        expect(shifted.defaultPrevented).toBe(false);
        expect(composing.defaultPrevented).toBe(false);
        expect(events.filter((e) => e.name === 'send')).toEqual([]);
    });

    it('does not send a blank draft', async () => {
        const { element, events } = render();
        await typeDraft(element, '   ');

        pressKey(element, 'Enter');

        expect(events.filter((e) => e.name === 'send')).toEqual([]);
        expect(q(element, 'send').disabled).toBe(true);
    });

    it('disables Send while a post is under way', async () => {
        const { element } = render();
        await typeDraft(element, 'Hello');
        expect(q(element, 'send').disabled).toBe(false);

        element.sending = true;
        await Promise.resolve();

        expect(q(element, 'send').disabled).toBe(true);
    });

    it('passes the axe checks', async () => {
        const { element } = render();
        await typeDraft(element, 'Hello');

        await expect(element).toBeAccessible();
    });
});

/**
 * chatComposer: the message input of websocketChat. It exists to keep keyboard handling (Enter
 * sends, Shift+Enter adds a line, never while an IME is composing), blank drafts and the length
 * limit out of the parent, which owns Apex and the socket. It holds the draft and says what the
 * user does, with events the parent turns into socket and Apex calls:
 * - `typingstart`: the draft changed and is not empty (on every change; c/chatSocket throttles);
 * - `typingstop`: the draft was emptied or the field lost focus;
 * - `send`, detail `{ content }`: the trimmed, non-blank draft to post. The draft stays until the
 *   parent calls clear(), so a message Apex refused is not lost.
 * The parent keeps one draft per room: it reads the one left with getDraft() and puts the next
 * with setDraft() when the room shown changes.
 */
import { LightningElement, api } from 'lwc';

/** Chat_Message__c.Content__c length (test/force-app/metadata.test.ts keeps them equal). */
const MAX_CONTENT_LENGTH = 32768;

export default class ChatComposer extends LightningElement {
    /** While true (a post is under way) the Send button is disabled. */
    @api sending = false;

    draft = '';
    maxLength = MAX_CONTENT_LENGTH;

    /** Empties the draft: call once the message is saved. */
    @api
    clear() {
        this.draft = '';
    }

    /**
     * The unsent text, as typed (not trimmed).
     * @returns {string} '' when empty.
     */
    @api
    getDraft() {
        return this.draft;
    }

    /**
     * Replaces the draft (no typing events: the text was not typed now, e.g. another room's draft).
     * @param {string} [text] The draft to show; missing or null empties it.
     */
    @api
    setDraft(text) {
        this.draft = typeof text === 'string' ? text : '';
    }

    get sendDisabled() {
        return this.sending || !this.draft.trim();
    }

    handleDraftChange(event) {
        const value = event.detail && event.detail.value !== undefined ? event.detail.value : event.target.value;
        this.draft = value || '';
        this.dispatchEvent(new CustomEvent(this.draft ? 'typingstart' : 'typingstop'));
    }

    handleKeyDown(event) {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            this.send();
        }
    }

    handleBlur() {
        this.dispatchEvent(new CustomEvent('typingstop'));
    }

    handleSendClick() {
        this.send();
    }

    send() {
        const content = this.draft.trim();
        if (content) {
            this.dispatchEvent(new CustomEvent('send', { detail: { content } }));
        }
    }
}

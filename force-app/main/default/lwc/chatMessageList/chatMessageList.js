/**
 * chatMessageList: the conversation of websocketChat as a polite live log. It exists so that how a
 * message looks (own messages on the "you" side, author, timestamp, the empty room) and keeping the
 * newest message in view live apart from the parent's Apex and socket orchestration. Shows what it
 * is given; fetches nothing and sends no events.
 */
import { LightningElement, api } from 'lwc';
import { sameUserId } from 'c/chatSocket';

export default class ChatMessageList extends LightningElement {
    /**
     * Messages, oldest first, as ChatController.getRecentMessages returns them:
     * `{ id, content, userId, userName, photoUrl, createdDate }`.
     * @type {object[]}
     */
    @api messages = [];

    /** Id of the running user (15 or 18 characters): their messages are shown as outbound. */
    @api currentUserId;

    lastRenderedCount = 0;

    renderedCallback() {
        // Only when the number of messages changed: re-renders for other reasons must not yank a
        // reader who scrolled up back to the bottom.
        if (this.messages.length !== this.lastRenderedCount) {
            this.lastRenderedCount = this.messages.length;
            const list = this.template.querySelector('[data-id="messages"]');
            list.scrollTop = list.scrollHeight;
        }
    }

    get messageItems() {
        return this.messages.map((message) => {
            const mine = sameUserId(message.userId, this.currentUserId);
            return {
                ...message,
                authorName: message.userName || 'Unknown user',
                itemClass: mine ? 'slds-chat-listitem slds-chat-listitem_outbound' : 'slds-chat-listitem slds-chat-listitem_inbound',
                bubbleClass: mine ? 'slds-chat-message__text slds-chat-message__text_outbound' : 'slds-chat-message__text slds-chat-message__text_inbound'
            };
        });
    }

    get hasMessages() {
        return this.messages.length > 0;
    }
}

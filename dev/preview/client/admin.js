/**
 * The admin page of the preview (`/admin`): the real chatAudit component from force-app, created
 * with LWC OSS, as the Chat Admin app's Chat Audit tab shows it. A separate chunk, loaded only once a
 * user was chosen (its Apex calls run as that user: only a Chat_Auditor holder gets past the refusal).
 */
import { createElement } from 'lwc';
import ChatAudit from 'c/chatAudit';

/**
 * Renders `<c-chat-audit>` into `container`, replacing what was there.
 * @param {HTMLElement} container Where the component goes.
 * @returns {HTMLElement} The component's host element.
 */
export function mountAudit(container) {
    const element = createElement('c-chat-audit', { is: ChatAudit });
    container.replaceChildren(element);
    return element;
}

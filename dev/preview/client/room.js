/**
 * The chat room: the real websocketChat component from force-app, created with LWC OSS. A separate
 * chunk that the entry imports only after a user was chosen, because the component reads
 * `@salesforce/user/Id` when its module is evaluated.
 */
import { createElement } from 'lwc';
import WebsocketChat from 'c/websocketChat';

/**
 * Renders `<c-websocket-chat>` into `container`, replacing what was there.
 * @param {HTMLElement} container Where the component goes.
 * @param {{recordId?: string}} [properties] On a record page: the record's id (18 characters), set
 *   before the component connects, as Lightning sets `recordId` on a record page.
 * @returns {HTMLElement} The component's host element.
 */
export function mountRoom(container, properties = {}) {
    const element = createElement('c-websocket-chat', { is: WebsocketChat });
    if (properties.recordId) {
        element.recordId = properties.recordId;
    }
    container.replaceChildren(element);
    return element;
}

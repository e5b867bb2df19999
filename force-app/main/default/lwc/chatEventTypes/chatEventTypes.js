/**
 * The Chat_Event__e types the chat UI knows, each with its category: `messages` (the event's record
 * is a Chat_Message__c, so the history is stale) or `presence` (a User entered or left, so the list
 * of people is stale). It exists so that the LWC routes an event by what the contract says it means,
 * never by how its name is spelled: this table is a copy of CHAT_EVENT_CATEGORY in
 * bridge/events/contract.ts (an LWC cannot import the bridge), written by `npm run contract:sync`;
 * test/contract.test.ts fails when the two differ. Template-less, so chatSocket uses it unchanged on the platform and in LWC OSS.
 */

/**
 * Category of every `Chat_Event__e.Type__c` value, in contract order. Frozen: it is a fact of the
 * contract, not state.
 * @type {Readonly<Record<string, 'messages' | 'presence'>>}
 */
export const EVENT_CATEGORY = Object.freeze({
    MESSAGE_CREATED: 'messages',
    MESSAGE_UPDATED: 'messages',
    MESSAGE_DELETED: 'messages',
    MESSAGE_UNDELETED: 'messages',
    USER_ENTERED: 'presence',
    USER_LEFT: 'presence'
});

/**
 * The category of an event type.
 * @param {*} type A `Type__c` value as the bridge forwarded it.
 * @returns {'messages' | 'presence' | null} Its category, or null for anything the contract does not
 *   define (a newer bridge's type, a typo, a non-string, an Object.prototype name).
 */
export function categoryOf(type) {
    return typeof type === 'string' && Object.prototype.hasOwnProperty.call(EVENT_CATEGORY, type)
        ? EVENT_CATEGORY[type]
        : null;
}

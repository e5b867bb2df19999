// The LWC's copy of the contract's event table: what chatSocket routes by. That the copy equals
// bridge/events/contract.ts is proven in test/contract.test.ts; here, how lookups behave.
import { EVENT_CATEGORY, categoryOf } from 'c/chatEventTypes';

describe('c/chatEventTypes', () => {
    it('names a category for every type it lists, and cannot be changed at run time', () => {
        expect(Object.keys(EVENT_CATEGORY).length).toBeGreaterThan(0);
        expect(Object.values(EVENT_CATEGORY).every((category) => ['messages', 'presence'].includes(category))).toBe(true);
        expect(Object.isFrozen(EVENT_CATEGORY)).toBe(true);
    });

    it('gives the category of a known type', () => {
        expect(categoryOf('MESSAGE_UNDELETED')).toBe('messages');
        expect(categoryOf('USER_LEFT')).toBe('presence');
    });

    it('knows nothing of types the contract does not define, whatever they look like', () => {
        expect(categoryOf('MESSAGE_PINNED')).toBeNull();
        expect(categoryOf('message_created')).toBeNull();
        expect(categoryOf('toString')).toBeNull();
        expect(categoryOf(undefined)).toBeNull();
        expect(categoryOf(42)).toBeNull();
    });
});

// The shared error reducer: every error shape the chat meets ends up as readable text.
import { reduceErrors } from 'c/chatErrors';

describe('c/chatErrors reduceErrors', () => {
    it('reads an Apex AuraHandledException', () => {
        const apexError = { body: { message: 'Type a message before sending.' }, status: 500 };
        expect(reduceErrors(apexError)).toEqual(['Type a message before sending.']);
    });

    it('reads UI API read errors, JS errors, strings and socket.io connect errors together', () => {
        const connectError = Object.assign(new Error('xhr poll error'), {});
        const middlewareError = Object.assign(new Error('unauthorized'), { data: { message: 'token expired' } });
        expect(
            reduceErrors([
                { body: [{ message: 'First' }, { message: 'Second' }] },
                new TypeError('Broken'),
                'Plain',
                connectError,
                middlewareError
            ])
        ).toEqual(['First', 'Second', 'Broken', 'Plain', 'xhr poll error', 'token expired']);
    });

    it('reads page and field errors of a DML error', () => {
        const dmlError = {
            body: {
                message: 'Insert failed',
                pageErrors: [{ message: 'Page level' }],
                fieldErrors: { Content__c: [{ message: 'Too long' }] }
            }
        };
        expect(reduceErrors(dmlError)).toEqual(['Insert failed', 'Page level', 'Too long']);
    });

    it('drops empty values and duplicates', () => {
        expect(reduceErrors([null, undefined, '', 'Same', 'Same', { statusText: 'Bad Gateway' }])).toEqual([
            'Same',
            'Bad Gateway'
        ]);
    });
});

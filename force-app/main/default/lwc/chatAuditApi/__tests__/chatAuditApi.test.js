/**
 * c/chatAuditApi: the query string filters make, the bucket a range gets, and the client's token
 * handling (renewed before expiry and once after a 401) and error messages.
 */
import { AuditApiError, AuditClient, buildQuery, chooseBucket } from 'c/chatAuditApi';

const ok = (body) => ({ ok: true, status: 200, json: () => Promise.resolve(body) });
const failed = (status, body) => ({ ok: false, status, json: () => Promise.resolve(body) });

describe('buildQuery', () => {
    it('keeps set filters (trimmed) and leaves blanks out', () => {
        expect(buildQuery({ type: 'MESSAGE_CREATED', userId: '  ', recordId: null, source: undefined, from: ' 2026-12-02T10:00:00Z ' }, { limit: 50 })).toBe(
            '?type=MESSAGE_CREATED&from=2026-12-02T10%3A00%3A00Z&limit=50'
        );
    });

    it('is empty when nothing is set', () => {
        expect(buildQuery({ type: '' })).toBe('');
    });
});

describe('chooseBucket', () => {
    it('picks minutes up to 3 hours, hours up to 3 days, then days', () => {
        expect(chooseBucket(0, 3 * 3600000)).toBe('minute');
        expect(chooseBucket(0, 3 * 3600000 + 1)).toBe('hour');
        expect(chooseBucket(0, 3 * 86400000)).toBe('hour');
        expect(chooseBucket(0, 3 * 86400000 + 1)).toBe('day');
    });
});

describe('AuditClient', () => {
    let now;
    const connectionExpiringIn = (ms, token) => ({ bridgeUrl: 'https://bridge.example.com/', token, expiresAt: new Date(now + ms).toISOString() });

    beforeEach(() => {
        now = Date.parse('2026-12-02T10:00:00Z');
    });

    it('reuses a token until it is about to expire', async () => {
        const getConnection = jest.fn().mockResolvedValueOnce(connectionExpiringIn(60000, 'first')).mockResolvedValueOnce(connectionExpiringIn(300000, 'second'));
        const fetchImpl = jest.fn(() => Promise.resolve(ok({})));
        const client = new AuditClient(getConnection, { fetch: fetchImpl, now: () => now });

        await client.getJson('/admin/api/events');
        await client.getJson('/admin/api/events');
        now += 45000; // 15 s left: inside the renewal margin
        await client.getJson('/admin/api/events');

        expect(getConnection).toHaveBeenCalledTimes(2);
        expect(fetchImpl.mock.calls.map(([, init]) => init.headers.Authorization)).toEqual(['Bearer first', 'Bearer first', 'Bearer second']);
        expect(fetchImpl.mock.calls[0][0]).toBe('https://bridge.example.com/admin/api/events');
    });

    it('renews once after a 401 and reports a second 401', async () => {
        const getConnection = jest.fn(() => Promise.resolve(connectionExpiringIn(300000, 't')));
        const fetchImpl = jest.fn(() => Promise.resolve(failed(401, { error: 'unauthorized', message: 'Token expired' })));
        const client = new AuditClient(getConnection, { fetch: fetchImpl, now: () => now });

        const error = await client.getJson('/admin/api/events').catch((e) => e);

        expect(error).toBeInstanceOf(AuditApiError);
        expect(error.message).toBe('Token expired');
        expect(error.status).toBe(401);
        expect(fetchImpl).toHaveBeenCalledTimes(2);
    });

    it('names the parameter of a 400 and passes a 403 message on', async () => {
        const getConnection = () => Promise.resolve(connectionExpiringIn(300000, 't'));
        const fetchImpl = jest
            .fn()
            .mockResolvedValueOnce(failed(400, { error: 'bad_request', parameter: 'cursor', message: 'malformed cursor' }))
            .mockResolvedValueOnce(failed(403, { error: 'forbidden', message: 'This token has no chat:audit scope.' }));
        const client = new AuditClient(getConnection, { fetch: fetchImpl, now: () => now });

        const bad = await client.getJson('/admin/api/events').catch((e) => e);
        const forbidden = await client.getJson('/admin/api/events').catch((e) => e);

        expect(bad).toMatchObject({ status: 400, parameter: 'cursor', message: 'The filter "cursor" was refused: malformed cursor' });
        expect(forbidden).toMatchObject({ status: 403, code: 'forbidden', message: 'This token has no chat:audit scope.' });
    });

    it('says so when the bridge cannot be reached', async () => {
        const client = new AuditClient(() => Promise.resolve(connectionExpiringIn(300000, 't')), {
            fetch: () => Promise.reject(new TypeError('Failed to fetch')),
            now: () => now
        });

        await expect(client.getJson('/admin/api/events')).rejects.toThrow('The chat bridge at https://bridge.example.com cannot be reached.');
    });
});

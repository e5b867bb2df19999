/**
 * chatAudit with mocked Apex (ChatAuditController.getAuditConnection) and a fake `fetch` answering
 * the bridge's admin API: what an admin sees (events table, chart, incidents, a row's detail) and
 * what the component asks the bridge for (the query a set of filters builds, the cursor of "Load
 * more", the Bearer header, the CSV export), and what a user without Chat_Audit sees.
 */
import { createElement } from '@lwc/engine-dom';
import ChatAudit from 'c/chatAudit';
import getAuditConnection from '@salesforce/apex/ChatAuditController.getAuditConnection';

const mockConnection = require('./data/getAuditConnection.json');
const mockEvents = require('./data/events.json');
const mockEventsPage2 = require('./data/eventsPage2.json');
const mockSummary = require('./data/summary.json');
const mockIncidents = require('./data/incidents.json');

jest.mock('@salesforce/apex/ChatAuditController.getAuditConnection', () => ({ default: jest.fn() }), { virtual: true });

const REFUSAL = 'You cannot open the chat audit. Ask your admin for the Chat Auditor permission set.';
const CSV = 'seq,eventUuid,type,source\r\n42,6f1c2b1e-1111-4a4a-9b9b-000000000042,MESSAGE_CREATED,REST\r\n';

function jsonResponse(status, body) {
    return { ok: status >= 200 && status < 300, status, json: () => Promise.resolve(body), blob: () => Promise.resolve(new Blob([JSON.stringify(body)])) };
}

/** Admin API answers by path; each call is recorded as { path, params, headers }. */
let answers;
let calls;
function installFetch() {
    calls = [];
    answers = {
        '/admin/api/events': () => jsonResponse(200, mockEvents),
        '/admin/api/summary': () => jsonResponse(200, mockSummary),
        '/admin/api/incidents': () => jsonResponse(200, mockIncidents),
        '/admin/api/events.csv': () => ({ ok: true, status: 200, blob: () => Promise.resolve(new Blob([CSV], { type: 'text/csv' })) })
    };
    global.fetch = jest.fn((url, init) => {
        const parsed = new URL(url);
        calls.push({ origin: parsed.origin, path: parsed.pathname, params: parsed.searchParams, headers: init.headers });
        const answer = answers[parsed.pathname];
        return Promise.resolve(answer ? answer(parsed.searchParams) : jsonResponse(404, { error: 'not_found', message: 'no such path' }));
    });
}

/** jsdom's Blob has no text(). */
function blobText(blob) {
    return new Promise((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result);
        reader.onerror = () => reject(reader.error);
        reader.readAsText(blob);
    });
}

async function flushPromises() {
    for (let i = 0; i < 30; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

async function renderAudit(props = {}) {
    const element = createElement('c-chat-audit', { is: ChatAudit });
    Object.assign(element, props);
    document.body.appendChild(element);
    await flushPromises();
    return element;
}

const q = (element, id) => element.shadowRoot.querySelector(`[data-id="${id}"]`);
const filter = (element, name) => element.shadowRoot.querySelector(`[data-filter="${name}"]`);
const callsTo = (path) => calls.filter((call) => call.path === path);

function setFilter(element, name, value) {
    const input = filter(element, name);
    input.value = value;
    input.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

async function click(element, id) {
    q(element, id).click();
    await flushPromises();
}

describe('c-chat-audit', () => {
    beforeEach(() => {
        installFetch();
        getAuditConnection.mockResolvedValue({ ...mockConnection, expiresAt: new Date(Date.now() + 300000).toISOString() });
        global.URL.createObjectURL = jest.fn(() => 'blob:https://example.lightning.force.com/1234');
        global.URL.revokeObjectURL = jest.fn();
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('shows the newest events from the bridge, asked for with the admin token', async () => {
        const element = await renderAudit();

        const table = q(element, 'events');
        expect(table).not.toBeNull();
        expect(table.data.map((row) => row.seq)).toEqual([42, 41]);
        expect(table.data[0]).toMatchObject({ sourceLabel: 'REST', recordUrl: '/lightning/r/a01000000000042AAA/view', lagMs: 120 });
        const [events] = callsTo('/admin/api/events');
        expect(events.origin).toBe('https://chat-bridge.example.com');
        expect(events.headers.Authorization).toBe(`Bearer ${mockConnection.token}`);
        expect(events.params.get('limit')).toBe('50');
        expect(q(element, 'event-count').textContent).toBe('2 events shown (more available)');
    });

    it('shows the chart and the incidents of the last hour', async () => {
        const element = await renderAudit();

        const chart = element.shadowRoot.querySelector('c-chat-audit-chart');
        expect(chart.buckets).toHaveLength(3);
        expect(chart.bucket).toBe('minute');
        const [summary] = callsTo('/admin/api/summary');
        const span = Date.parse(summary.params.get('to')) - Date.parse(summary.params.get('from'));
        expect(span).toBe(3600000);
        expect(summary.params.get('bucket')).toBe('minute');
        const incidents = element.shadowRoot.querySelectorAll('[data-id="incident"]');
        expect(incidents).toHaveLength(1);
        expect(incidents[0].textContent).toContain('403::Unknown client');
    });

    it('builds the query from the filters when they are applied', async () => {
        const element = await renderAudit();
        calls.length = 0;

        setFilter(element, 'from', '2026-12-02T09:00:00.000Z');
        setFilter(element, 'to', '2026-12-02T11:00:00.000Z');
        setFilter(element, 'type', 'MESSAGE_UPDATED');
        setFilter(element, 'userId', ' 005000000000002AAA ');
        setFilter(element, 'room', ' a02000000000001AAA ');
        setFilter(element, 'source', 'rest');
        await click(element, 'apply');

        const [events] = callsTo('/admin/api/events');
        expect(Object.fromEntries(events.params)).toEqual({
            from: '2026-12-02T09:00:00.000Z',
            to: '2026-12-02T11:00:00.000Z',
            type: 'MESSAGE_UPDATED',
            userId: '005000000000002AAA',
            room: 'a02000000000001AAA',
            source: 'REST',
            limit: '50'
        });
        const [summary] = callsTo('/admin/api/summary');
        expect(Object.fromEntries(summary.params)).toEqual({ from: '2026-12-02T09:00:00.000Z', to: '2026-12-02T11:00:00.000Z', bucket: 'minute' });
    });

    it('shows each event\'s room in a Room column, blank for an event of no room', async () => {
        const element = await renderAudit();
        const table = q(element, 'events');

        expect(table.columns.find((column) => column.label === 'Room')).toMatchObject({ fieldName: 'roomId' });
        expect(table.data.map((row) => row.roomId)).toEqual(['a02000000000001AAA', null]);
        table.dispatchEvent(new CustomEvent('rowaction', { detail: { action: { name: 'show_details' }, row: table.data[0] } }));
        await flushPromises();
        expect(q(element, 'detail-room').textContent).toBe('a02000000000001AAA');
        table.dispatchEvent(new CustomEvent('rowaction', { detail: { action: { name: 'show_details' }, row: table.data[1] } }));
        await flushPromises();
        expect(q(element, 'detail-room').textContent).toBe('—');
    });

    it('filters by room and shows the bridge\'s refusal of a room that is not an id', async () => {
        const element = await renderAudit();
        answers['/admin/api/events'] = (params) =>
            /^[0-9A-Za-z]{15}([0-9A-Za-z]{3})?$/.test(params.get('room'))
                ? jsonResponse(200, { events: [mockEvents.events[0]], nextCursor: null })
                : jsonResponse(400, { error: 'bad_request', parameter: 'room', message: 'room must be a 15- or 18-character Salesforce id (the 18 in any casing)' });
        expect(filter(element, 'room').label).toBe('Room');

        setFilter(element, 'room', 'a02000000000001');
        await click(element, 'apply');
        expect(callsTo('/admin/api/events').pop().params.get('room')).toBe('a02000000000001');
        expect(q(element, 'events').data.map((row) => row.seq)).toEqual([42]);

        setFilter(element, 'room', 'General');
        await click(element, 'apply');
        expect(q(element, 'errors').textContent).toContain(
            'The filter "room" was refused: room must be a 15- or 18-character Salesforce id (the 18 in any casing)'
        );
        expect(q(element, 'events')).toBeNull();
    });

    it('loads the next page by cursor and appends it', async () => {
        const element = await renderAudit();
        answers['/admin/api/events'] = (params) => jsonResponse(200, params.get('cursor') === 'cursor-after-41' ? mockEventsPage2 : mockEvents);

        await click(element, 'load-more');

        const last = callsTo('/admin/api/events').pop();
        expect(last.params.get('cursor')).toBe('cursor-after-41');
        expect(q(element, 'events').data.map((row) => row.seq)).toEqual([42, 41, 40]);
        expect(q(element, 'load-more')).toBeNull();
        expect(q(element, 'event-count').textContent).toBe('3 events shown');
    });

    it('exports the filtered events as CSV through a download link', async () => {
        const element = await renderAudit();
        const clicked = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
        setFilter(element, 'source', 'REST');

        await click(element, 'export');

        const [csv] = callsTo('/admin/api/events.csv');
        expect(csv.headers.Authorization).toBe(`Bearer ${mockConnection.token}`);
        expect(Object.fromEntries(csv.params)).toEqual({ source: 'REST' });
        const blob = URL.createObjectURL.mock.calls[0][0];
        await expect(blobText(blob)).resolves.toBe(CSV);
        const link = q(element, 'download');
        expect(link.getAttribute('href')).toBe('blob:https://example.lightning.force.com/1234');
        expect(link.getAttribute('download')).toMatch(/^chat-audit-.+\.csv$/);
        expect(clicked).toHaveBeenCalledTimes(1);
        clicked.mockRestore();
    });

    it('shows a row\'s provenance, delivery and record link', async () => {
        const element = await renderAudit();
        const table = q(element, 'events');

        table.dispatchEvent(new CustomEvent('rowaction', { detail: { action: { name: 'show_details' }, row: table.data[1] } }));
        await flushPromises();

        expect(q(element, 'detail-source').textContent).toBe('AURA');
        expect(q(element, 'detail-request-id').textContent).toBe('TID:00aa11bb22cc33dd');
        expect(q(element, 'detail-changed-fields').textContent).toBe('Content__c');
        expect(q(element, 'detail-sockets').textContent).toBe('2');
        expect(q(element, 'detail-record').getAttribute('href')).toBe('/lightning/r/a01000000000041AAA/view');
        await click(element, 'close-detail');
        expect(q(element, 'detail')).toBeNull();
    });

    it('refuses a user without Chat_Audit with Apex\'s message and calls no bridge', async () => {
        getAuditConnection.mockRejectedValue({ status: 400, body: { message: REFUSAL } });

        const element = await renderAudit();

        expect(q(element, 'refusal').textContent).toBe(REFUSAL);
        expect(global.fetch).not.toHaveBeenCalled();
        expect(q(element, 'events')).toBeNull();
        expect(q(element, 'export')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('names the refused parameter of a 400', async () => {
        answers['/admin/api/events'] = () =>
            jsonResponse(400, { error: 'bad_request', parameter: 'from', message: 'from is after to' });

        const element = await renderAudit();

        expect(q(element, 'errors').textContent).toContain('The filter "from" was refused: from is after to');
    });

    it('asks Apex for a new token once when the bridge answers 401', async () => {
        let first = true;
        answers['/admin/api/events'] = () => {
            const answer = first ? jsonResponse(401, { error: 'unauthorized', message: 'expired' }) : jsonResponse(200, mockEvents);
            first = false;
            return answer;
        };

        const element = await renderAudit();

        expect(getAuditConnection).toHaveBeenCalledTimes(2);
        expect(q(element, 'events').data).toHaveLength(2);
        expect(q(element, 'errors')).toBeNull();
    });

    it('on a Chat_Message__c record page shows that record\'s events only', async () => {
        const element = await renderAudit({ recordId: 'a01000000000042AAA' });

        const [events] = callsTo('/admin/api/events');
        expect(events.params.get('recordId')).toBe('a01000000000042AAA');
        expect(filter(element, 'recordId').disabled).toBe(true);
        expect(callsTo('/admin/api/summary')).toHaveLength(0);
        expect(q(element, 'incidents')).toBeNull();
    });

    it('is accessible with data and a row open', async () => {
        const element = await renderAudit();
        const table = q(element, 'events');
        table.dispatchEvent(new CustomEvent('rowaction', { detail: { action: { name: 'show_details' }, row: table.data[0] } }));
        await flushPromises();

        await expect(element).toBeAccessible();
    });
});

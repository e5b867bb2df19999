/**
 * c/chatAuditChart: one stacked bar per type and bucket with a count, a legend in the given type
 * order, lag lines through every bucket, a readable summary for screen readers, and a notice
 * instead of empty charts.
 */
import { createElement } from '@lwc/engine-dom';
import ChatAuditChart from 'c/chatAuditChart';

const BUCKETS = [
    { start: '2026-12-02T10:01:00.000Z', counts: { MESSAGE_CREATED: 2, USER_ENTERED: 1 }, lagMs: { p50: 80, p95: 150, max: 400 } },
    { start: '2026-12-02T10:00:00.000Z', counts: { MESSAGE_CREATED: 4 }, lagMs: { p50: 60, p95: 90, max: 120 } }
];

async function renderChart(props) {
    const element = createElement('c-chat-audit-chart', { is: ChatAuditChart });
    Object.assign(element, props);
    document.body.appendChild(element);
    await Promise.resolve();
    return element;
}

describe('c-chat-audit-chart', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('stacks the counts of each bucket by type, oldest bucket first', async () => {
        const element = await renderChart({ buckets: BUCKETS, bucket: 'minute', types: ['MESSAGE_CREATED', 'USER_ENTERED'] });

        const bars = [...element.shadowRoot.querySelectorAll('rect.bar')];
        expect(bars.map((bar) => bar.querySelector('title').textContent.replace(/^\d\d:\d\d · /, ''))).toEqual([
            'MESSAGE_CREATED: 4',
            'MESSAGE_CREATED: 2',
            'USER_ENTERED: 1'
        ]);
        // 4 events is the tallest bar and the axis maximum (5): 4/5 of the plot height
        const heights = bars.map((bar) => Number(bar.getAttribute('height')));
        expect(heights[0]).toBeCloseTo(2 * heights[1], 1);
        expect(heights[1]).toBeCloseTo(2 * heights[2], 1);
        const legend = [...element.shadowRoot.querySelectorAll('[aria-label="Event types"] li')].map((li) => li.textContent);
        expect(legend).toEqual(['MESSAGE_CREATED', 'USER_ENTERED']);
        expect(element.shadowRoot.querySelector('[data-id="counts-chart"] svg').getAttribute('aria-label')).toBe(
            'Events per minute by type: 7 events in 2 minutes.'
        );
    });

    it('draws p50 and p95 through every bucket and the max as dots', async () => {
        const element = await renderChart({ buckets: BUCKETS, bucket: 'minute', types: [] });

        expect(element.shadowRoot.querySelector('.lag-p95').getAttribute('points').split(' ')).toHaveLength(2);
        expect(element.shadowRoot.querySelectorAll('circle.lag-max')).toHaveLength(2);
        expect(element.shadowRoot.querySelector('[data-id="lag-chart"] svg').getAttribute('aria-label')).toContain('maximum 400 ms');
    });

    it('says there is nothing to chart', async () => {
        const element = await renderChart({ buckets: [], bucket: 'hour', types: [] });

        expect(element.shadowRoot.querySelector('[data-id="no-summary"]').textContent).toBe('No events in this time range.');
        expect(element.shadowRoot.querySelector('svg')).toBeNull();
    });

    it('is accessible', async () => {
        const element = await renderChart({ buckets: BUCKETS, bucket: 'minute', types: ['MESSAGE_CREATED'] });

        await expect(element).toBeAccessible();
    });
});

/**
 * chatAuditChart: the audit page's two charts, drawn as SVG in the template (no chart library, so
 * nothing to load and nothing for Lightning's CSP to refuse): events per bucket stacked by type, and
 * delivery lag (received − created, ms) per bucket as p50 and p95 lines with the max as dots. It gets
 * the `/admin/api/summary` answer through @api properties and computes only geometry.
 */
import { LightningElement, api } from 'lwc';

/** SVG user units of a chart (the SVG scales to the card's width). */
const WIDTH = 640;
const HEIGHT = 160;
const PAD_LEFT = 44;
const PAD_BOTTOM = 22;
const PAD_TOP = 8;
const PLOT_W = WIDTH - PAD_LEFT - 8;
const PLOT_H = HEIGHT - PAD_TOP - PAD_BOTTOM;

/** One colour per type, in the order the types are given (SLDS chart palette). */
const PALETTE = ['#1589ee', '#04844b', '#ffb75d', '#c23934', '#9050e9', '#00aea9', '#706e6b', '#e287b2'];

const BUCKET_LABEL = { minute: 'minute', hour: 'hour', day: 'day' };

function timeLabel(iso, bucket) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) {
        return '';
    }
    const pad = (n) => String(n).padStart(2, '0');
    if (bucket === 'day') {
        return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
    }
    return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A round axis maximum at or above `value` (1, 2, 5 × 10^n). */
function niceMax(value) {
    if (!(value > 0)) {
        return 1;
    }
    const power = 10 ** Math.floor(Math.log10(value));
    const step = [1, 2, 5, 10].find((m) => m * power >= value);
    return step * power;
}

export default class ChatAuditChart extends LightningElement {
    /** `/admin/api/summary` buckets: `[{ start, counts: { TYPE: n }, lagMs: { p50, p95, max } }]`, oldest first. */
    @api buckets = [];
    /** The bucket size: minute, hour or day. */
    @api bucket = 'minute';
    /** The event types, in legend order (types absent from it are appended). */
    @api types = [];

    viewBox = `0 0 ${WIDTH} ${HEIGHT}`;

    get sortedBuckets() {
        return [...(this.buckets || [])].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    }

    get allTypes() {
        const known = [...(this.types || [])];
        this.sortedBuckets.forEach((b) =>
            Object.keys(b.counts || {}).forEach((type) => {
                if (!known.includes(type)) {
                    known.push(type);
                }
            })
        );
        return known;
    }

    get hasData() {
        return this.sortedBuckets.length > 0;
    }

    get bucketLabel() {
        return BUCKET_LABEL[this.bucket] || 'minute';
    }

    get slot() {
        return PLOT_W / Math.max(1, this.sortedBuckets.length);
    }

    get countMax() {
        const totals = this.sortedBuckets.map((b) => Object.values(b.counts || {}).reduce((sum, n) => sum + (Number(n) || 0), 0));
        return niceMax(Math.max(0, ...totals));
    }

    get total() {
        return this.sortedBuckets.reduce(
            (sum, b) => sum + Object.values(b.counts || {}).reduce((s, n) => s + (Number(n) || 0), 0),
            0
        );
    }

    /** Stacked rectangles, one per bucket and type with a count, each with a tooltip title. */
    get bars() {
        const types = this.allTypes;
        const slot = this.slot;
        const width = Math.max(1, slot * 0.8);
        const max = this.countMax;
        const bars = [];
        this.sortedBuckets.forEach((b, i) => {
            let stacked = 0;
            types.forEach((type, t) => {
                const n = Number((b.counts || {})[type]) || 0;
                if (n <= 0) {
                    return;
                }
                const height = (n / max) * PLOT_H;
                stacked += height;
                bars.push({
                    key: `${b.start}-${type}`,
                    x: (PAD_LEFT + i * slot + (slot - width) / 2).toFixed(1),
                    y: (PAD_TOP + PLOT_H - stacked).toFixed(1),
                    width: width.toFixed(1),
                    height: height.toFixed(1),
                    fill: PALETTE[t % PALETTE.length],
                    title: `${timeLabel(b.start, this.bucket)} · ${type}: ${n}`
                });
            });
        });
        return bars;
    }

    get legend() {
        return this.allTypes.map((type, t) => ({
            type,
            style: `background:${PALETTE[t % PALETTE.length]}`
        }));
    }

    get lagMax() {
        return niceMax(Math.max(0, ...this.sortedBuckets.map((b) => Number((b.lagMs || {}).max) || 0)));
    }

    lagY(value) {
        return (PAD_TOP + PLOT_H - ((Number(value) || 0) / this.lagMax) * PLOT_H).toFixed(1);
    }

    centerX(i) {
        return (PAD_LEFT + i * this.slot + this.slot / 2).toFixed(1);
    }

    lagLine(key) {
        return this.sortedBuckets
            .map((b, i) => (b.lagMs && b.lagMs[key] !== null && b.lagMs[key] !== undefined ? `${this.centerX(i)},${this.lagY(b.lagMs[key])}` : null))
            .filter(Boolean)
            .join(' ');
    }

    get p50Points() {
        return this.lagLine('p50');
    }

    get p95Points() {
        return this.lagLine('p95');
    }

    get maxDots() {
        return this.sortedBuckets
            .map((b, i) =>
                b.lagMs && b.lagMs.max !== null && b.lagMs.max !== undefined
                    ? {
                          key: b.start,
                          cx: this.centerX(i),
                          cy: this.lagY(b.lagMs.max),
                          title: `${timeLabel(b.start, this.bucket)} · p50 ${b.lagMs.p50} ms, p95 ${b.lagMs.p95} ms, max ${b.lagMs.max} ms`
                      }
                    : null
            )
            .filter(Boolean);
    }

    /** Axis ticks of both charts: 0, half, max (y) and first, middle, last bucket (x). */
    get countTicks() {
        return this.yTicks(this.countMax, '');
    }

    get lagTicks() {
        return this.yTicks(this.lagMax, ' ms');
    }

    yTicks(max, unit) {
        return [0, max / 2, max].map((value) => ({
            key: String(value),
            y: (PAD_TOP + PLOT_H - (value / max) * PLOT_H).toFixed(1),
            labelY: (PAD_TOP + PLOT_H - (value / max) * PLOT_H + 4).toFixed(1),
            label: `${Number.isInteger(value) ? value : value.toFixed(1)}${unit}`
        }));
    }

    get xTicks() {
        const buckets = this.sortedBuckets;
        if (!buckets.length) {
            return [];
        }
        const last = buckets.length - 1;
        const picks = [...new Set([0, Math.floor(last / 2), last])];
        // The first and last labels hang inwards so that neither is cut off at the chart's edge.
        const anchor = (i) => (picks.length === 1 ? 'middle' : i === 0 ? 'start' : i === last ? 'end' : 'middle');
        return picks.map((i) => ({ key: buckets[i].start, x: this.centerX(i), anchor: anchor(i), label: timeLabel(buckets[i].start, this.bucket) }));
    }

    get axisLeft() {
        return PAD_LEFT;
    }

    get axisRight() {
        return WIDTH - 8;
    }

    get axisBottom() {
        return PAD_TOP + PLOT_H;
    }

    get labelY() {
        return HEIGHT - 6;
    }

    get tickLabelX() {
        return PAD_LEFT - 4;
    }

    get countSummary() {
        return `Events per ${this.bucketLabel} by type: ${this.total} events in ${this.sortedBuckets.length} ${this.bucketLabel}s.`;
    }

    get lagSummary() {
        const worst = Math.max(0, ...this.sortedBuckets.map((b) => Number((b.lagMs || {}).max) || 0));
        return `Delivery lag per ${this.bucketLabel} (received minus created): p50 and p95 lines, maximum ${worst} ms.`;
    }
}

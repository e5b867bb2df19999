/**
 * chatAudit: the admin's audit of the chat's trigger-driven events, on the Chat Admin app's tab and
 * on a Chat_Message__c record page (there it shows that record's events only). Platform events
 * cannot be queried with SOQL, so the data comes from the bridge's event log through its admin API:
 * this component asks Apex (ChatAuditController.getAuditConnection, Chat_Audit holders only) for
 * the bridge URL and an admin token, then calls the API with fetch (c/chatAuditApi):
 *
 * - events (`/admin/api/events`): a lightning-datatable with filters (from/to, type, user id,
 *   record id, room id, source), newest first, "Load more" by cursor, and a row's detail (provenance,
 *   request id, sockets reached, the record as a link);
 * - a summary chart (`/admin/api/summary`, c/chatAuditChart) of events per bucket by type and lag;
 * - incidents (`/admin/api/incidents`): lost subscriptions, login failures, resyncs, with causes;
 * - Export CSV (`/admin/api/events.csv`, the same filters): fetched with the Bearer header into a
 *   Blob, offered as a download link (and clicked once for the user).
 *
 * On a record page the summary and incidents (org-wide) are left out. A user without Chat_Audit sees the Apex refusal and nothing else. Every other error goes through
 * c/chatErrors.reduceErrors into one alert. Portability: like websocketChat it compiles with LWC OSS
 * for the local preview (only @salesforce/apex/* is shimmed; imperative Apex; no other platform module).
 */
import { LightningElement, api } from 'lwc';
import getAuditConnection from '@salesforce/apex/ChatAuditController.getAuditConnection';
import { AuditClient, buildQuery, chooseBucket, PAGE_SIZE } from 'c/chatAuditApi';
import { EVENT_CATEGORY } from 'c/chatEventTypes';
import { reduceErrors } from 'c/chatErrors';

/** Range of the chart and incidents when the filters set none: the last hour, ms. */
export const DEFAULT_RANGE_MS = 3600000;
/** Incidents shown (newest first). */
export const INCIDENT_LIMIT = 50;

const DATE_TIME = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' };

const EMPTY_FILTERS = Object.freeze({ from: '', to: '', type: '', userId: '', recordId: '', room: '', source: '' });

const COLUMNS = [
    { label: 'Created', fieldName: 'createdDate', type: 'date', typeAttributes: DATE_TIME, initialWidth: 190 },
    { label: 'Type', fieldName: 'type', initialWidth: 190 },
    { label: 'Source', fieldName: 'sourceLabel' },
    {
        label: 'Record',
        fieldName: 'recordUrl',
        type: 'url',
        typeAttributes: { label: { fieldName: 'recordId' }, target: '_self' }
    },
    // The chat room the event belongs to; blank for org-wide events (no Room_Id__c).
    { label: 'Room', fieldName: 'roomId' },
    { label: 'User', fieldName: 'userId' },
    { label: 'Saved by', fieldName: 'createdById' },
    { label: 'Sockets reached', fieldName: 'socketsReached', type: 'number', initialWidth: 130 },
    { label: 'Lag (ms)', fieldName: 'lagMs', type: 'number', initialWidth: 100 },
    { type: 'action', typeAttributes: { rowActions: [{ label: 'Show details', name: 'show_details' }] } }
];

/** Where Lightning shows a record. */
export function recordUrl(id) {
    return id ? `/lightning/r/${encodeURIComponent(id)}/view` : null;
}

function lagOf(event) {
    const created = Date.parse(event.createdDate);
    const received = Date.parse(event.receivedAt);
    return Number.isNaN(created) || Number.isNaN(received) ? null : received - created;
}

function toRow(event) {
    return {
        ...event,
        key: `${event.seq}-${event.eventUuid}`,
        sourceLabel: event.source || '—',
        recordUrl: recordUrl(event.recordId),
        lagMs: lagOf(event)
    };
}

export default class ChatAudit extends LightningElement {
    /** Card title (App Builder property). */
    @api cardTitle = 'Chat audit';

    columns = COLUMNS;
    filters = { ...EMPTY_FILTERS };
    events = [];
    nextCursor = null;
    incidents = [];
    summary = null;
    selectedEvent = null;
    errors = [];
    refusal = null;
    isLoading = true;
    isLoadingMore = false;
    isExporting = false;
    downloadUrl = null;
    downloadName = null;
    pendingDownload = false;

    fixedRecordId = null;
    client;

    /** On a record page: the record whose events are shown (the record id filter is fixed to it). */
    @api
    get recordId() {
        return this.fixedRecordId;
    }
    set recordId(value) {
        this.fixedRecordId = value || null;
        this.filters = { ...this.filters, recordId: this.fixedRecordId || '' };
    }

    connectedCallback() {
        this.client = new AuditClient(getAuditConnection);
        this.loadAll();
    }

    disconnectedCallback() {
        this.revokeDownload();
    }

    renderedCallback() {
        if (this.pendingDownload) {
            this.pendingDownload = false;
            const link = this.template.querySelector('a[data-id="download"]');
            if (link) {
                link.click();
            }
        }
    }

    // ---- template state ----

    get typeOptions() {
        return [{ label: 'All types', value: '' }, ...Object.keys(EVENT_CATEGORY).map((type) => ({ label: type, value: type }))];
    }

    get eventTypes() {
        return Object.keys(EVENT_CATEGORY);
    }

    get isRefused() {
        return this.refusal !== null;
    }

    get hasErrors() {
        return this.errors.length > 0;
    }

    get hasEvents() {
        return this.events.length > 0;
    }

    get showNoEvents() {
        return !this.isLoading && this.events.length === 0;
    }

    get hasMore() {
        return this.nextCursor !== null && this.nextCursor !== undefined;
    }

    get hasIncidents() {
        return this.incidents.length > 0;
    }

    get isRecordPage() {
        return this.fixedRecordId !== null;
    }

    /** The summary and incidents are org-wide: shown on the app page, not on a record page. */
    get isOrgWide() {
        return !this.isRecordPage;
    }

    get isAllowed() {
        return !this.isRefused;
    }

    get eventCountLabel() {
        return `${this.events.length} event${this.events.length === 1 ? '' : 's'} shown${this.hasMore ? ' (more available)' : ''}`;
    }

    get summaryBuckets() {
        return this.summary ? this.summary.buckets || [] : [];
    }

    get summaryBucket() {
        return this.summary ? this.summary.bucket : 'minute';
    }

    get exportLabel() {
        return this.isExporting ? 'Exporting…' : 'Export CSV';
    }

    get selectedRecordUrl() {
        return this.selectedEvent ? recordUrl(this.selectedEvent.recordId) : null;
    }

    get selectedUserUrl() {
        return this.selectedEvent ? recordUrl(this.selectedEvent.userId) : null;
    }

    get selectedLag() {
        return this.selectedEvent && this.selectedEvent.lagMs !== null ? `${this.selectedEvent.lagMs} ms` : '—';
    }

    get selectedRoom() {
        return (this.selectedEvent && this.selectedEvent.roomId) || '—';
    }

    get selectedChangedFields() {
        const fields = this.selectedEvent && Array.isArray(this.selectedEvent.changedFields) ? this.selectedEvent.changedFields : [];
        return fields.length ? fields.join(', ') : '—';
    }

    // ---- loading ----

    /**
     * The filters as the API takes them (the events endpoint's parameters). Ids are checked by the
     * bridge, whose 400 names the refused filter.
     */
    eventFilters() {
        const { from, to, type, userId, recordId, room, source } = this.filters;
        return { from, to, type, userId, recordId, room, source: source ? source.toUpperCase() : source };
    }

    /** The chart's and incidents' range: the filters' from/to, else the last hour. */
    range() {
        const now = Date.now();
        const to = this.filters.to ? Date.parse(this.filters.to) : now;
        const from = this.filters.from ? Date.parse(this.filters.from) : to - DEFAULT_RANGE_MS;
        return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), fromMs: from, toMs: to };
    }

    async loadAll() {
        this.isLoading = true;
        this.errors = [];
        this.selectedEvent = null;
        try {
            await this.client.connect();
        } catch (error) {
            // Refused (no Chat_Audit) or not configured: Apex's message is the whole page.
            this.refusal = reduceErrors(error).join(' ') || 'You cannot open the chat audit.';
            this.isLoading = false;
            return;
        }
        this.refusal = null;
        // The summary and incidents are org-wide: a record page shows only the record's events.
        await Promise.all(this.isRecordPage ? [this.loadEvents()] : [this.loadEvents(), this.loadSummary(), this.loadIncidents()]);
        this.isLoading = false;
    }

    async loadEvents() {
        try {
            const page = await this.client.getJson('/admin/api/events', buildQuery(this.eventFilters(), { limit: PAGE_SIZE }));
            this.events = (page.events || []).map(toRow);
            this.nextCursor = page.nextCursor || null;
        } catch (error) {
            this.events = [];
            this.nextCursor = null;
            this.reportError(error);
        }
    }

    async loadSummary() {
        const { from, to, fromMs, toMs } = this.range();
        try {
            this.summary = await this.client.getJson('/admin/api/summary', buildQuery({ from, to, bucket: chooseBucket(fromMs, toMs) }));
        } catch (error) {
            this.summary = null;
            this.reportError(error);
        }
    }

    async loadIncidents() {
        const { from, to } = this.range();
        try {
            const page = await this.client.getJson('/admin/api/incidents', buildQuery({}, { from, to, limit: INCIDENT_LIMIT }));
            this.incidents = (page.incidents || []).map((incident) => ({ ...incident, key: String(incident.id) }));
        } catch (error) {
            this.incidents = [];
            this.reportError(error);
        }
    }

    reportError(error) {
        this.errors = [...new Set([...this.errors, ...reduceErrors(error)])];
    }

    // ---- handlers ----

    handleFilterChange(event) {
        const name = event.target.dataset.filter;
        const value = event.detail && event.detail.value !== undefined ? event.detail.value : event.target.value;
        this.filters = { ...this.filters, [name]: value === null || value === undefined ? '' : String(value) };
    }

    handleApply() {
        this.loadAll();
    }

    handleReset() {
        this.filters = { ...EMPTY_FILTERS, recordId: this.fixedRecordId || '' };
        this.loadAll();
    }

    async handleLoadMore() {
        if (!this.hasMore || this.isLoadingMore) {
            return;
        }
        this.isLoadingMore = true;
        try {
            const page = await this.client.getJson(
                '/admin/api/events',
                buildQuery(this.eventFilters(), { limit: PAGE_SIZE, cursor: this.nextCursor })
            );
            const seen = new Set(this.events.map((row) => row.key));
            this.events = [...this.events, ...(page.events || []).map(toRow).filter((row) => !seen.has(row.key))];
            this.nextCursor = page.nextCursor || null;
        } catch (error) {
            this.reportError(error);
        } finally {
            this.isLoadingMore = false;
        }
    }

    handleRowAction(event) {
        if (event.detail.action.name === 'show_details') {
            this.selectedEvent = event.detail.row;
        }
    }

    handleCloseDetail() {
        this.selectedEvent = null;
    }

    handleDismissErrors() {
        this.errors = [];
    }

    async handleExport() {
        if (this.isExporting) {
            return;
        }
        this.isExporting = true;
        try {
            const blob = await this.client.getBlob('/admin/api/events.csv', buildQuery(this.eventFilters()));
            this.revokeDownload();
            this.downloadUrl = URL.createObjectURL(blob);
            this.downloadName = `chat-audit-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`;
            this.pendingDownload = true;
        } catch (error) {
            this.reportError(error);
        } finally {
            this.isExporting = false;
        }
    }

    revokeDownload() {
        if (this.downloadUrl) {
            URL.revokeObjectURL(this.downloadUrl);
            this.downloadUrl = null;
        }
    }
}

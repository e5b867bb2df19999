/**
 * How the chat audit page talks to the bridge's admin API (/admin/api/*): the query string a set of
 * filters makes, and a small client that calls the API with `fetch` and `Authorization: Bearer
 * <admin token>`, asks Apex (ChatAuditController.getAuditConnection) for a new token before the old
 * one expires or when the bridge answers 401, and turns the API's JSON errors
 * (`{ error, parameter?, message }`) into an Error a user can read. Template-less, so chatAudit and
 * its tests share it, and it runs unchanged on the platform and in the LWC OSS preview.
 */

/** The filters of the events endpoint, in the order the page shows them. */
export const EVENT_FILTERS = Object.freeze(['from', 'to', 'type', 'userId', 'recordId', 'room', 'createdById', 'source']);

/** Events one page of the table asks for (the API's `limit`). */
export const PAGE_SIZE = 50;

/** A token this close to its expiry is replaced before a call, ms (signing and the call take time). */
export const TOKEN_RENEW_MARGIN_MS = 30000;

/**
 * The query string of an admin API call: every filter that has a value (trimmed), then the extras
 * (`limit`, `cursor`, `bucket`…). Blank, null and undefined values are left out, so an empty filter
 * means "any".
 * @param {Record<string, *>} filters Filter name → value (strings; datetimes as ISO 8601).
 * @param {Record<string, *>} [extras] More parameters, same rules.
 * @returns {string} `?a=1&b=2`, or '' when nothing is set.
 */
export function buildQuery(filters, extras) {
    const params = new URLSearchParams();
    const add = (name, value) => {
        if (value === null || value === undefined) {
            return;
        }
        const text = String(value).trim();
        if (text !== '') {
            params.append(name, text);
        }
    };
    Object.entries(filters || {}).forEach(([name, value]) => add(name, value));
    Object.entries(extras || {}).forEach(([name, value]) => add(name, value));
    const query = params.toString();
    return query ? `?${query}` : '';
}

/**
 * The summary bucket that keeps a chart readable for a time range: minutes up to 3 hours, hours up
 * to 3 days, days beyond.
 * @param {number} fromMs Range start, ms since the epoch.
 * @param {number} toMs Range end, ms since the epoch.
 * @returns {'minute'|'hour'|'day'} The `bucket` parameter of /admin/api/summary.
 */
export function chooseBucket(fromMs, toMs) {
    const span = Math.max(0, toMs - fromMs);
    if (span <= 3 * 3600000) {
        return 'minute';
    }
    return span <= 3 * 86400000 ? 'hour' : 'day';
}

/**
 * An admin API refusal or failure, with what the page shows.
 */
export class AuditApiError extends Error {
    /**
     * @param {string} message Readable message.
     * @param {{status?: number, code?: string, parameter?: string}} [details] HTTP status, the API's
     *   `error` code (bad_request, unauthorized, forbidden) and, for 400, the parameter at fault.
     */
    constructor(message, details = {}) {
        super(message);
        this.name = 'AuditApiError';
        this.status = details.status;
        this.code = details.code;
        this.parameter = details.parameter;
    }
}

async function errorOf(response, path) {
    let body = null;
    try {
        body = await response.json();
    } catch (e) {
        body = null;
    }
    const message = body && typeof body.message === 'string' && body.message.trim() !== '' ? body.message : null;
    const parameter = body && typeof body.parameter === 'string' ? body.parameter : undefined;
    let text;
    if (response.status === 400 && parameter) {
        text = `The filter "${parameter}" was refused: ${message || 'invalid value'}`;
    } else if (message) {
        text = message;
    } else {
        text = `The bridge answered HTTP ${response.status} to ${path}.`;
    }
    return new AuditApiError(text, { status: response.status, code: body && body.error, parameter });
}

/**
 * Calls the bridge's admin API as the running user.
 */
export class AuditClient {
    /**
     * @param {() => Promise<{bridgeUrl: string, token: string, expiresAt?: string}>} getConnection
     *   The Apex call (ChatAuditController.getAuditConnection); its rejection (a refused user) is
     *   passed on unchanged.
     * @param {{fetch?: Function, now?: () => number}} [options] For tests: the fetch and clock to use.
     */
    constructor(getConnection, options = {}) {
        this.getConnection = getConnection;
        this.fetchImpl = options.fetch || ((...args) => fetch(...args));
        this.now = options.now || (() => Date.now());
        this.connection = null;
    }

    /**
     * The current connection, asking Apex for a new one when there is none or it is about to expire.
     * @param {boolean} [renew] Ask for a new one whatever the expiry says (after a 401).
     * @returns {Promise<{bridgeUrl: string, token: string, expiresAt?: string}>} The connection.
     */
    async connect(renew = false) {
        const expiresAt = this.connection && this.connection.expiresAt ? Date.parse(this.connection.expiresAt) : NaN;
        const fresh = this.connection && (Number.isNaN(expiresAt) || expiresAt - this.now() > TOKEN_RENEW_MARGIN_MS);
        if (renew || !fresh) {
            this.connection = await this.getConnection();
        }
        return this.connection;
    }

    /**
     * GETs an admin API path, renewing the token once on 401.
     * @param {string} path e.g. `/admin/api/events`.
     * @param {string} query From {@link buildQuery}.
     * @param {string} accept The Accept header.
     * @returns {Promise<Response>} An ok response.
     * @throws {AuditApiError} When the bridge cannot be reached or refuses the call.
     */
    async request(path, query, accept) {
        for (let attempt = 0; ; attempt++) {
            // eslint-disable-next-line no-await-in-loop
            const connection = await this.connect(attempt > 0);
            const base = String(connection.bridgeUrl || '').replace(/\/+$/, '');
            let response;
            try {
                // eslint-disable-next-line no-await-in-loop
                response = await this.fetchImpl(`${base}${path}${query}`, {
                    method: 'GET',
                    headers: { Accept: accept, Authorization: `Bearer ${connection.token}` }
                });
            } catch (e) {
                throw new AuditApiError(`The chat bridge at ${base} cannot be reached.`, { status: 0 });
            }
            if (response.ok) {
                return response;
            }
            if (response.status !== 401 || attempt > 0) {
                // eslint-disable-next-line no-await-in-loop
                throw await errorOf(response, path);
            }
        }
    }

    /**
     * GETs a JSON answer.
     * @param {string} path Admin API path.
     * @param {string} [query] From {@link buildQuery}.
     * @returns {Promise<*>} The parsed body.
     * @throws {AuditApiError} As {@link AuditClient#request}.
     */
    async getJson(path, query = '') {
        const response = await this.request(path, query, 'application/json');
        return response.json();
    }

    /**
     * GETs a file (the CSV export) as a Blob.
     * @param {string} path Admin API path.
     * @param {string} [query] From {@link buildQuery}.
     * @returns {Promise<Blob>} The body.
     * @throws {AuditApiError} As {@link AuditClient#request}.
     */
    async getBlob(path, query = '') {
        const response = await this.request(path, query, 'text/csv');
        return response.blob();
    }
}

/**
 * Who this browser tab is, in the local preview: the dev org user chosen in the picker and the dev
 * org session opened for them. Kept in sessionStorage, which is per tab, so two tabs of one browser
 * can be two different users. Also reads the page's configuration (the dev org URL), which the
 * bridge writes into the page at request time because the dev org's port changes at every start.
 */
import { sameUserId } from 'c/chatSocket';

const STORAGE_KEY = 'sf-chat-bridge.preview.session';

/**
 * The configuration the bridge embedded in the page.
 * @returns {{devOrgUrl: string, bridgeUrl: string|null, view: "chat"|"record"|"admin", record?: string}} Dev org base URL (no
 *   trailing slash), bridge URL, which component the page runs, and on the record page its `?record=` (a record name or id).
 * @throws {Error} When the page has no configuration (not served by the bridge's preview route).
 */
export function previewConfig() {
    const element = document.getElementById('preview-config');
    if (!element) {
        throw new Error('This page was not served by the sf-chat-bridge preview (no #preview-config).');
    }
    return JSON.parse(element.textContent);
}

/**
 * The dev org session of this tab.
 * @returns {{accessToken: string, userId: string, name: string, orgId: string, instanceUrl: string}|null}
 *   What `POST /dev/sessions` answered, or null when no user was chosen in this tab.
 */
export function currentSession() {
    try {
        const stored = window.sessionStorage.getItem(STORAGE_KEY);
        return stored ? JSON.parse(stored) : null;
    } catch (e) {
        return null;
    }
}

/** Forgets this tab's user (the picker shows again). */
export function clearSession() {
    window.sessionStorage.removeItem(STORAGE_KEY);
}

/**
 * Calls the dev org's preview API (`/dev/...`), which answers CORS for loopback origins.
 * @param {string} path Path under the dev org, e.g. `/dev/users`.
 * @param {object} [body] JSON body; when given the request is a POST.
 * @returns {Promise<*>} The parsed JSON answer.
 * @throws {Error} With the dev org's message when it answers with an error or cannot be reached.
 */
async function devOrgJson(path, body) {
    const { devOrgUrl } = previewConfig();
    let response;
    try {
        response = await fetch(`${devOrgUrl}${path}`, {
            method: body === undefined ? 'GET' : 'POST',
            headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body)
        });
    } catch (error) {
        throw new Error(`The dev org at ${devOrgUrl} cannot be reached (is \`npm start\` still running?).`);
    }
    const payload = await response.json().catch(() => null);
    if (!response.ok) {
        const message = payload && typeof payload.message === 'string' ? payload.message : `HTTP ${response.status}`;
        throw new Error(`The dev org refused ${path}: ${message}`);
    }
    return payload;
}

/**
 * The dev org's sample users.
 * @returns {Promise<Array<{id: string, name: string, firstName: string, photoUrl: string, chatActive: boolean}>>}
 */
export function listUsers() {
    return devOrgJson('/dev/users');
}

/**
 * Finds a user by id (15 or 18 characters), first name or full name, case-insensitively for names.
 * @param {Array<{id: string, name: string, firstName: string}>} users From {@link listUsers}.
 * @param {string} wanted What `?user=` said.
 * @returns {object|undefined} The user, if any.
 */
export function findUser(users, wanted) {
    const text = String(wanted || '').trim();
    if (!text) {
        return undefined;
    }
    const lower = text.toLowerCase();
    return users.find(
        (user) =>
            (text.length >= 15 && sameUserId(user.id, text)) ||
            String(user.firstName || '').toLowerCase() === lower ||
            String(user.name || '').toLowerCase() === lower
    );
}

/**
 * The dev org's sample records (what record rooms are about), sorted by name.
 * @returns {Promise<Array<{id: string, name: string, type: string}>>} `type` is the sObject, e.g. `Account`.
 */
export function listRecords() {
    return devOrgJson('/dev/records');
}

/**
 * Finds a record by id (15 or 18 characters) or name (case-insensitively).
 * @param {Array<{id: string, name: string}>} records From {@link listRecords}.
 * @param {string} wanted What `?record=` said.
 * @returns {object|undefined} The record, if any.
 */
export function findRecord(records, wanted) {
    const text = String(wanted || '').trim();
    const lower = text.toLowerCase();
    // sameUserId compares any two Salesforce ids by their 15-character form.
    return text ? records.find((record) => (text.length >= 15 && sameUserId(record.id, text)) || String(record.name).toLowerCase() === lower) : undefined;
}

/**
 * Opens a dev org session as `userId` and makes it this tab's session.
 * @param {string} userId A user id from {@link listUsers}.
 * @returns {Promise<object>} The stored session.
 */
export async function signIn(userId) {
    const session = await devOrgJson('/dev/sessions', { userId });
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    return session;
}

/**
 * `@salesforce/apex/<Class>.<method>` in the local preview: each import becomes a function that
 * POSTs its named parameters to the dev org (`/dev/apex/<Class>/<method>`) with this tab's session,
 * as the platform sends them to the Apex method. Failures reject with the shape Lightning Data
 * Service gives imperative Apex errors — `{ status, body: { message, exceptionType }, ok: false }` —
 * so the component's reduceErrors shows the AuraHandledException message unchanged.
 */
import { clearSession, currentSession, previewConfig } from '../session.js';

function apexError(status, statusText, message, exceptionType) {
    return {
        status,
        statusText,
        ok: false,
        headers: {},
        body: { message, exceptionType: exceptionType || '', isUserDefinedException: false, stackTrace: '' }
    };
}

/**
 * Calls one Apex method through the dev org.
 * @param {string} className Apex class, e.g. `ChatController`.
 * @param {string} methodName Method, e.g. `getRecentMessages`.
 * @param {object} [params] The named parameters, e.g. `{ maxMessages: 50 }`.
 * @returns {Promise<*>} The method's result as Aura serialises it (JSON; null for void).
 */
export async function callApex(className, methodName, params) {
    const session = currentSession();
    if (!session) {
        throw apexError(401, 'Unauthorized', 'No user is signed in to the local preview in this tab. Choose a user.');
    }
    const { devOrgUrl } = previewConfig();
    let response;
    try {
        response = await fetch(`${devOrgUrl}/dev/apex/${encodeURIComponent(className)}/${encodeURIComponent(methodName)}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.accessToken}` },
            body: JSON.stringify(params || {})
        });
    } catch (error) {
        throw apexError(0, 'Network error', `The dev org cannot be reached (is \`npm start\` still running?).`);
    }
    const text = await response.text();
    let payload = null;
    try {
        payload = text ? JSON.parse(text) : null;
    } catch (error) {
        payload = null;
    }
    if (response.ok) {
        return payload;
    }
    if (response.status === 401) {
        // The dev org forgot this session (it was restarted): the next page load shows the picker.
        clearSession();
        throw apexError(401, 'Unauthorized', 'Your dev org session has ended. Reload the page and choose a user again.');
    }
    const message =
        payload && typeof payload.message === 'string'
            ? payload.message
            : `${className}.${methodName} failed (HTTP ${response.status}).`;
    throw apexError(response.status, response.statusText, message, payload && payload.exceptionType);
}

/**
 * The function an `@salesforce/apex/<Class>.<method>` import gives the component.
 * @param {string} className Apex class.
 * @param {string} methodName Method.
 * @returns {(params?: object) => Promise<*>} The imperative Apex call.
 */
export function apexMethod(className, methodName) {
    return (params) => callApex(className, methodName, params);
}

/**
 * The one error path of the chat UI: turns whatever went wrong (Apex AuraHandledException, a fetch
 * or UI API error, a socket.io connect_error, a plain Error or string) into readable messages.
 * Template-less so that websocketChat and chatSocket share it and it runs in LWC OSS unchanged.
 */

/**
 * Reduces one or more errors to a flat list of non-empty messages.
 * @param {*} errors An error or an array of errors of any shape described above.
 * @returns {string[]} Messages, in order, without blanks or duplicates.
 */
export function reduceErrors(errors) {
    const list = Array.isArray(errors) ? errors : [errors];
    const messages = list
        .filter((error) => error !== null && error !== undefined)
        .map(messagesOf)
        .reduce((all, some) => all.concat(some), [])
        .filter((message) => typeof message === 'string' && message.trim() !== '');
    return [...new Set(messages)];
}

function messagesOf(error) {
    if (typeof error === 'string') {
        return [error];
    }
    // UI API read errors: body is an array of { message }
    if (Array.isArray(error.body)) {
        return error.body.map((entry) => entry && entry.message);
    }
    if (error.body) {
        // Apex (AuraHandledException), UI API DML and network errors
        if (typeof error.body.message === 'string') {
            const fieldErrors = error.body.fieldErrors
                ? Object.values(error.body.fieldErrors)
                      .reduce((all, some) => all.concat(some), [])
                      .map((entry) => entry.message)
                : [];
            const pageErrors = Array.isArray(error.body.pageErrors)
                ? error.body.pageErrors.map((entry) => entry.message)
                : [];
            return [error.body.message, ...pageErrors, ...fieldErrors];
        }
    }
    // socket.io connect_error: Error with optional data.message from the server middleware
    if (error.data && typeof error.data.message === 'string') {
        return [error.data.message];
    }
    if (typeof error.message === 'string') {
        return [error.message];
    }
    return [error.statusText];
}

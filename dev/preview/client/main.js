/**
 * Entry of the local preview page. Loads synthetic shadow first (so the global SLDS stylesheet
 * reaches inside the base components, as in Lightning Experience), then either shows the user
 * picker or opens, as this tab's user, the chat room (`/`), the chat on a record page
 * (`/record?record=<name|id>`: websocketChat with its `recordId` set to the record `/dev/records`
 * names) or the admin audit (`/admin`), the page's `view`. `?user=<first name|id>` picks a user
 * directly; the header's links to the other views keep it.
 */
import '@lwc/synthetic-shadow';
import { clearSession, currentSession, findRecord, findUser, listRecords, listUsers, previewConfig, signIn } from './session.js';
import { renderPicker } from './picker.js';
import { sameUserId } from 'c/chatSocket';

const app = document.getElementById('app');

/** On the record page: the record resolved from `?record=`, `{ id, name, type, label }`; else null. */
let pageRecord = null;

function errorAlert(text) {
    const alert = document.createElement('div');
    alert.className = 'slds-notify slds-notify_alert slds-alert_error';
    alert.setAttribute('role', 'alert');
    alert.append(text);
    return alert;
}

function showError(error) {
    app.replaceChildren(errorAlert(error && error.message ? error.message : String(error)));
}

function showSignedIn(session) {
    const who = document.getElementById('preview-who');
    const switchUser = document.getElementById('preview-switch');
    if (who) {
        who.textContent = session ? `Signed in as ${session.name}` : '';
    }
    if (switchUser) {
        // SLDS buttons set `display`, which beats the `hidden` attribute: toggle slds-hide instead.
        switchUser.classList.toggle('slds-hide', !session);
    }
}

/** What `?user=` says for a user: the first name, else the id. */
const userParam = (user) => user.firstName || user.id;

/** Puts `?user=` into the header's links to the other views, so they open as the same user. */
function keepUserInNav(user) {
    document.querySelectorAll('a[data-preview-nav]').forEach((link) => {
        const url = new URL(link.getAttribute('href'), window.location.origin);
        url.searchParams.set('user', user);
        link.setAttribute('href', `${url.pathname}${url.search}`);
    });
}

/** An unknown `?record=`: the page says so and links the record pages it does have. */
function showUnknownRecord(wanted, records) {
    const alert = errorAlert(`There is no sample record "${wanted}" in the dev org. `);
    alert.dataset.id = 'preview-record-unknown';
    const known = document.createElement('span');
    known.append(records.length ? 'Known records: ' : 'The dev org has no sample records.');
    records.forEach((record, index) => {
        const url = new URL(window.location.href);
        url.searchParams.set('record', record.name);
        const link = document.createElement('a');
        link.href = `${url.pathname}${url.search}`;
        link.textContent = `${record.type}: ${record.name} (${record.id})`;
        known.append(index ? ', ' : '', link);
    });
    alert.append(known);
    app.replaceChildren(alert);
}

/**
 * On the record page, finds the record `?record=` names and shows it in the header.
 * @returns {Promise<object|null|undefined>} The record; null on the other views; undefined when
 *   unknown (the page then says so).
 */
async function resolveRecord() {
    const { view, record: wanted } = previewConfig();
    if (view !== 'record') {
        return null;
    }
    const records = await listRecords();
    const record = findRecord(records, wanted);
    if (!record) {
        showUnknownRecord(wanted, records);
        return undefined;
    }
    const label = `${record.type}: ${record.name}`;
    const heading = document.getElementById('preview-record');
    if (heading) {
        heading.textContent = label;
    }
    return { ...record, label };
}

async function openRoom(session) {
    showSignedIn(session);
    if (previewConfig().view === 'admin') {
        document.title = `${session.name} · Chat audit · sf-chat-bridge preview`;
        const { mountAudit } = await import('./admin.js');
        mountAudit(app);
        return;
    }
    document.title = `${session.name} · ${pageRecord ? pageRecord.label : 'Chat'} · sf-chat-bridge preview`;
    const { mountRoom } = await import('./room.js');
    mountRoom(app, pageRecord ? { recordId: pageRecord.id } : {});
}

async function chooseUser(user) {
    const session = await signIn(user.id);
    const url = new URL(window.location.href);
    url.searchParams.set('user', userParam(user));
    window.history.replaceState(null, '', url);
    keepUserInNav(userParam(user));
    await openRoom(session);
}

function pick(user) {
    return chooseUser(user).catch(showError);
}

async function start() {
    const switchUser = document.getElementById('preview-switch');
    if (switchUser) {
        switchUser.addEventListener('click', () => {
            clearSession();
            // Only the user goes: the record page keeps its ?record=.
            const url = new URL(window.location.href);
            url.searchParams.delete('user');
            window.location.assign(`${url.pathname}${url.search}`);
        });
    }
    pageRecord = await resolveRecord();
    if (pageRecord === undefined) {
        return;
    }
    const wanted = new URLSearchParams(window.location.search).get('user');
    const users = await listUsers();
    let session = currentSession();
    // A session of a previous dev org (npm start was restarted: new ids) is useless.
    if (session && !users.some((user) => sameUserId(user.id, session.userId))) {
        clearSession();
        session = null;
    }
    const forAudit = previewConfig().view === 'admin';
    if (wanted) {
        const user = findUser(users, wanted);
        if (!user) {
            renderPicker(app, users, pick, `There is no sample user "${wanted}".`, forAudit);
            return;
        }
        if (!session || !sameUserId(session.userId, user.id)) {
            session = await signIn(user.id);
        }
    }
    if (session) {
        const user = users.find((candidate) => sameUserId(candidate.id, session.userId));
        keepUserInNav(userParam(user));
        await openRoom(session);
    } else {
        renderPicker(app, users, pick, undefined, forAudit);
    }
}

start().catch(showError);

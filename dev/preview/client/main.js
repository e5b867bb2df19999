/**
 * Entry of the local preview page. Loads synthetic shadow first (so the global SLDS stylesheet
 * reaches inside the base components, as in Lightning Experience), then either shows the user
 * picker or opens, as this tab's user, the chat room (`/`) or the admin audit (`/admin`, the page's
 * `view`). `?user=<first name|id>` picks a user directly.
 */
import '@lwc/synthetic-shadow';
import { clearSession, currentSession, findUser, listUsers, previewConfig, signIn } from './session.js';
import { renderPicker } from './picker.js';
import { sameUserId } from 'c/chatSocket';

const app = document.getElementById('app');

function showError(error) {
    const alert = document.createElement('div');
    alert.className = 'slds-notify slds-notify_alert slds-alert_error';
    alert.setAttribute('role', 'alert');
    alert.textContent = error && error.message ? error.message : String(error);
    app.replaceChildren(alert);
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

const isAdminView = () => previewConfig().view === 'admin';

async function openRoom(session) {
    showSignedIn(session);
    if (isAdminView()) {
        document.title = `${session.name} · Chat audit · sf-chat-bridge preview`;
        const { mountAudit } = await import('./admin.js');
        mountAudit(app);
        return;
    }
    document.title = `${session.name} · Chat · sf-chat-bridge preview`;
    const { mountRoom } = await import('./room.js');
    mountRoom(app);
}

async function chooseUser(user) {
    const session = await signIn(user.id);
    const url = new URL(window.location.href);
    url.searchParams.set('user', user.firstName || user.id);
    window.history.replaceState(null, '', url);
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
            window.location.assign(window.location.pathname);
        });
    }
    const wanted = new URLSearchParams(window.location.search).get('user');
    const users = await listUsers();
    let session = currentSession();
    // A session of a previous dev org (npm start was restarted: new ids) is useless.
    if (session && !users.some((user) => sameUserId(user.id, session.userId))) {
        clearSession();
        session = null;
    }
    if (wanted) {
        const user = findUser(users, wanted);
        if (!user) {
            renderPicker(app, users, pick, `There is no sample user "${wanted}".`, isAdminView());
            return;
        }
        if (!session || !sameUserId(session.userId, user.id)) {
            session = await signIn(user.id);
        }
    }
    if (session) {
        await openRoom(session);
    } else {
        renderPicker(app, users, pick, undefined, isAdminView());
    }
}

start().catch(showError);

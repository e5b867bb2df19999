/**
 * The user picker of the local preview: the dev org's sample users with their photos; choosing one
 * opens the room as that user in this tab. Plain DOM with SLDS classes (no component needed).
 */

function el(tag, attributes, ...children) {
    const element = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
        if (value !== undefined && value !== null && value !== false) {
            element.setAttribute(name, value === true ? '' : String(value));
        }
    });
    children.flat().forEach((child) => {
        if (child !== null && child !== undefined) {
            element.append(child instanceof Node ? child : document.createTextNode(String(child)));
        }
    });
    return element;
}

function avatar(user) {
    const initials = String(user.name || '?')
        .split(/\s+/)
        .map((part) => part.charAt(0))
        .join('')
        .slice(0, 2)
        .toUpperCase();
    const fallback = () => el('abbr', { class: 'slds-avatar__initials slds-icon-standard-user', title: user.name }, initials);
    const holder = el('span', { class: 'slds-avatar slds-avatar_circle slds-avatar_large' });
    if (user.photoUrl) {
        const img = el('img', { src: user.photoUrl, alt: '', title: user.name });
        img.addEventListener('error', () => holder.replaceChildren(fallback()));
        holder.append(img);
    } else {
        holder.append(fallback());
    }
    return holder;
}

/**
 * Shows the sample users; calls `onChoose(user)` when one is clicked.
 * @param {HTMLElement} container Where the picker goes (its content is replaced).
 * @param {Array<{id: string, name: string, photoUrl: string, chatActive: boolean, permissionSets?: string[]}>} users Sample users.
 * @param {(user: object) => Promise<void>} onChoose Opens the room (or the audit) as that user.
 * @param {string} [notice] A message shown above the list (e.g. an unknown `?user=`).
 * @param {boolean} [forAudit] The admin page: say who holds Chat Auditor instead of who is in the chat.
 */
export function renderPicker(container, users, onChoose, notice, forAudit = false) {
    const detail = (user) => {
        const auditor = (user.permissionSets || []).includes('Chat_Auditor');
        if (forAudit) {
            return auditor ? 'Chat Auditor: may open the audit' : 'No Chat Auditor permission set';
        }
        return `${user.chatActive ? 'In the chat' : 'Not in the chat'}${auditor ? ' · Chat Auditor' : ''}`;
    };
    const list = el(
        'ul',
        { class: 'slds-grid slds-wrap slds-gutters_small', 'aria-label': 'Sample users' },
        users.map((user) =>
            el(
                'li',
                { class: 'slds-col slds-size_1-of-2 slds-medium-size_1-of-4 slds-m-bottom_small' },
                el(
                    'button',
                    {
                        type: 'button',
                        class: 'preview-user slds-box slds-box_link slds-theme_default slds-grid slds-grid_vertical-align-center',
                        'data-user-id': user.id
                    },
                    avatar(user),
                    el(
                        'span',
                        { class: 'slds-m-left_small slds-text-align_left' },
                        el('span', { class: 'slds-text-heading_small slds-show' }, user.name),
                        el('span', { class: 'slds-text-body_small slds-text-color_weak' }, detail(user))
                    )
                )
            )
        )
    );
    list.addEventListener('click', async (event) => {
        const button = event.target.closest('button[data-user-id]');
        if (!button) {
            return;
        }
        list.querySelectorAll('button').forEach((b) => {
            b.disabled = true;
        });
        const user = users.find((u) => u.id === button.dataset.userId);
        await onChoose(user);
    });
    container.replaceChildren(
        el(
            'section',
            { class: 'slds-card slds-p-around_medium', 'aria-labelledby': 'picker-title' },
            el('h2', { id: 'picker-title', class: 'slds-text-heading_medium slds-m-bottom_x-small' }, 'Who are you?'),
            el(
                'p',
                { class: 'slds-text-body_regular slds-m-bottom_medium' },
                forAudit
                    ? 'Pick a sample user of the embedded dev org to open the chat audit as. Only holders of the Chat Auditor permission set (Maya) may read it; the others are refused, as in an org.'
                    : 'Pick a sample user of the embedded dev org. Each browser tab remembers its own user, so open a second tab (or window) as someone else to chat with yourself.'
            ),
            notice ? el('div', { class: 'slds-notify slds-notify_alert slds-alert_warning slds-m-bottom_medium', role: 'alert' }, notice) : null,
            users.length ? list : el('p', { class: 'slds-text-color_weak' }, 'The dev org has no sample users.')
        )
    );
}

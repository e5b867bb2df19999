/**
 * The HTML of the local preview page. One shell for every state: the SLDS stylesheet, a header
 * saying what this is and who is signed in, with links between the views, and a main area that
 * holds the picker or the room once the bundle runs — or, while the bundle is being built, a
 * "building" notice that polls `/preview/status` and reloads when it is ready, the build error, or
 * why the address was refused (a record page without `?record=`).
 */
import { SAMPLE_ROOMS } from '../org/data/seed.js';

/**
 * Which component the page runs: `chat` (websocketChat, at `/`), `record` (websocketChat on a record
 * page, its `recordId` set: `/record?record=…`) or `admin` (chatAudit, at `/admin`).
 */
export type PreviewView = 'chat' | 'record' | 'admin';

/** What every state of the page may say about the address it was asked for. */
export interface PageAddress {
  view?: PreviewView;
  /** `?user=` as asked for: kept in the header links. */
  user?: string;
  /** The record view's `?record=` (a record name or id), which the page resolves through `/dev/records`. */
  record?: string;
}

/** What the page shows. */
export type PageState =
  | ({ state: 'ready'; bundleUrl: string; devOrgUrl: string; bridgeUrl: string | undefined } & PageAddress)
  | ({ state: 'building' } & PageAddress)
  | ({ state: 'failed'; message: string } & PageAddress)
  | ({ state: 'refused'; message: string } & PageAddress);

const VIEWS: Record<PreviewView, { title: string; component: string }> = {
  chat: { title: 'Chat', component: 'The websocketChat component from force-app, on the embedded dev org.' },
  record: { title: 'Record page', component: 'The websocketChat component from force-app on a record page (its recordId set), on the embedded dev org.' },
  admin: { title: 'Chat audit', component: 'The chatAudit component from force-app, on the embedded dev org.' },
};

/** The header's links between the views: label, path and query (`user` is added when known). */
const NAV: ReadonlyArray<{ view: PreviewView; label: string; path: string; query?: Record<string, string> }> = [
  { view: 'chat', label: 'Chat', path: '/' },
  { view: 'record', label: `Record page (${SAMPLE_ROOMS.recordName})`, path: '/record', query: { record: SAMPLE_ROOMS.recordName } },
  { view: 'admin', label: 'Chat audit', path: '/admin' },
];

/** An example of a record page address, for messages. */
export const SAMPLE_RECORD_PAGE = `/record?user=Ana&record=${encodeURIComponent(SAMPLE_ROOMS.recordName)}`;

/** Where the page's stylesheet comes from (served from @salesforce-ux/design-system). */
export const SLDS_STYLESHEET = '/assets/styles/salesforce-lightning-design-system.min.css';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON inside `<script type="application/json">`: `<` escaped so no `</script>` can end it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const BUILDING_SCRIPT = `
(function poll() {
  fetch('/preview/status', { cache: 'no-store' })
    .then(function (r) { return r.json(); })
    .then(function (s) {
      if (s.state === 'ready' || s.state === 'failed') { window.location.reload(); return; }
      setTimeout(poll, 500);
    })
    .catch(function () { setTimeout(poll, 1000); });
})();`;

const BUNDLE_FAILED_SCRIPT =
  "document.getElementById('app').innerHTML = '<div class=\"slds-notify slds-notify_alert slds-alert_error\" role=\"alert\">" +
  "The preview bundle could not be loaded. Reload the page (it is rebuilt when missing).</div>'";

function main(page: PageState): string {
  switch (page.state) {
    case 'ready':
      return '<p class="slds-text-color_weak" role="status">Loading…</p>';
    case 'building':
      return [
        '<div class="slds-notify slds-notify_alert slds-alert_offline" role="status" data-id="preview-building">',
        '<span>Building the preview (rollup + LWC OSS)… the first build takes about 15 s; this page reloads by itself.</span>',
        '</div>',
      ].join('');
    case 'failed':
      return [
        '<div class="slds-notify slds-notify_alert slds-alert_error" role="alert" data-id="preview-failed">',
        `<pre class="slds-text-align_left" style="white-space: pre-wrap">The preview could not be built:\n${escapeHtml(page.message)}</pre>`,
        '</div>',
      ].join('');
    case 'refused':
      return [
        '<div class="slds-notify slds-notify_alert slds-alert_error" role="alert" data-id="preview-refused">',
        `<span>${escapeHtml(page.message)} For example: <a href="${escapeHtml(SAMPLE_RECORD_PAGE)}">${escapeHtml(SAMPLE_RECORD_PAGE)}</a></span>`,
        '</div>',
      ].join('');
  }
}

/** The header's links; the current view's is marked, each keeps `?user=`. */
function nav(view: PreviewView, user: string | undefined): string {
  const links = NAV.map((link) => {
    const query = new URLSearchParams(user ? { user, ...link.query } : link.query).toString();
    const href = `${link.path}${query ? `?${query}` : ''}`;
    const current = link.view === view ? ' aria-current="page" class="slds-text-title_bold"' : '';
    return `<li class="slds-list__item slds-m-right_medium"><a href="${escapeHtml(href)}" data-preview-nav="${link.view}"${current}>${escapeHtml(link.label)}</a></li>`;
  });
  return `<nav aria-label="Preview pages"><ul class="slds-list_horizontal">${links.join('')}</ul></nav>`;
}

/** Renders the page for a state. */
export function renderPage(page: PageState): string {
  const view = page.view ?? 'chat';
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${VIEWS[view].title} · sf-chat-bridge preview</title>`,
    `<link rel="stylesheet" href="${SLDS_STYLESHEET}">`,
    '<style>body{background:#f3f3f3;min-height:100vh}.preview-main{max-width:64rem;margin:0 auto}.preview-main.preview-wide{max-width:90rem}.preview-user{width:100%;border:1px solid #dddbda;cursor:pointer;text-align:left}.preview-user:hover{background:#f3f6f9}</style>',
  ];
  let tail = '';
  if (page.state === 'ready') {
    head.push(
      `<script type="application/json" id="preview-config">${scriptJson({ devOrgUrl: page.devOrgUrl, bridgeUrl: page.bridgeUrl ?? null, view, ...(view === 'record' ? { record: page.record ?? '' } : {}) })}</script>`,
    );
    tail = `<script type="module" src="${escapeHtml(page.bundleUrl)}" onerror="${escapeHtml(BUNDLE_FAILED_SCRIPT)}"></script>`;
  } else if (page.state === 'building') {
    tail = `<script>${BUILDING_SCRIPT}</script>`;
  }
  return `<!doctype html>
<html lang="en">
<head>
${head.join('\n')}
</head>
<body>
<header class="slds-page-header slds-m-bottom_medium">
  <div class="slds-page-header__row preview-main${view === 'admin' ? ' preview-wide' : ''}">
    <div class="slds-page-header__col-title">
      <h1 class="slds-page-header__title">sf-chat-bridge · local preview</h1>
      <p class="slds-page-header__name-meta">${VIEWS[view].component}</p>
      ${nav(view, page.user)}
      ${view === 'record' ? '<p id="preview-record" class="slds-text-heading_small slds-m-top_x-small" data-id="preview-record"></p>' : ''}
    </div>
    <div class="slds-page-header__col-actions slds-grid slds-grid_vertical-align-center">
      <span id="preview-who" class="slds-m-right_small" data-id="preview-who"></span>
      <button id="preview-switch" type="button" class="slds-button slds-button_neutral slds-hide">Switch user</button>
    </div>
  </div>
</header>
<main id="app" class="preview-main${view === 'admin' ? ' preview-wide' : ''} slds-p-horizontal_medium">${main(page)}</main>
${tail}
</body>
</html>
`;
}

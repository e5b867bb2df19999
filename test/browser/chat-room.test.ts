// Two people chat in the local preview: the REAL websocketChat LWC from force-app (compiled with
// LWC OSS, served by the dev-mode bridge), in Debian's Chromium, against the embedded dev org for
// Apex and the bridge for the socket. Every wait is on something a user would see.
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/stack.js';
import { insertMessageViaRest, sampleUser, type SampleUser } from './support/dev-org-api.js';
import { openUserPage, RESULTS_DIR, screenshot, sideBySide, type UserPage } from './support/chromium.js';
import { startPreview } from './support/preview.js';

/** What a user sees of the chat component, by the component's own data-id attributes and roles. */
function room(page: Page) {
  return {
    status: page.locator('[data-id="status"]'),
    users: page.locator('[data-id="users"]'),
    messages: page.locator('[data-id="messages"]'),
    typing: page.locator('[data-id="typing"]'),
    errors: page.locator('[data-id="errors"]'),
    draft: page.getByRole('textbox', { name: 'Message' }),
    join: page.getByRole('button', { name: 'Join chat' }),
    leave: page.getByRole('button', { name: 'Leave chat' }),
  };
}

const showsStatus = (page: Page, label: RegExp) => room(page).status.filter({ hasText: label }).waitFor();

let stack: Stack;
let browser: Browser;
let ana: SampleUser;
let ben: SampleUser;
let chen: SampleUser;
let anaTab: UserPage;
let benTab: UserPage;

beforeAll(async () => {
  ({ browser, stack } = await startPreview());
  [ana, ben, chen] = await Promise.all(['Ana', 'Ben', 'Chen'].map((name) => sampleUser(stack.devOrg.url, name)));
  anaTab = await openUserPage(browser);
  benTab = await openUserPage(browser);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the chat room in the local preview, two users', () => {
  it('opens the room for a user chosen by URL or in the picker, live over the bridge', async () => {
    // Ana comes straight in through ?user=, Ben picks himself from the list of sample users.
    await anaTab.page.goto(`${stack.url}/?user=Ana`);
    await benTab.page.goto(`${stack.url}/`);
    await benTab.page.getByRole('button', { name: new RegExp(ben.name) }).click();

    await showsStatus(anaTab.page, /^Connected$/);
    await showsStatus(benTab.page, /^Connected$/);
    await benTab.page.getByText(`Signed in as ${ben.name}`).waitFor();
    expect(new URL(benTab.page.url()).searchParams.get('user')).toBe('Ben');
  });

  it('shows Ana in Ben’s sidebar when she enters the chat', async () => {
    const a = room(anaTab.page);
    const b = room(benTab.page);
    if (await a.leave.isVisible()) {
      // the sample data may start with Ana in the room: take her out first
      await a.leave.click();
      await b.users.getByText(ana.name).waitFor({ state: 'detached' });
    }
    expect(await b.users.getByText(ana.name).count()).toBe(0);

    await a.join.click();

    await b.users.getByText(ana.name).waitFor();
    await a.leave.waitFor();
    if (await b.join.isVisible()) await b.join.click();
    await room(anaTab.page).users.getByText(ben.name).waitFor();
  });

  it('shows “Ana is typing…” to Ben while she types, and clears it when she stops', async () => {
    const a = room(anaTab.page);
    const typingNotice = room(benTab.page).typing.getByText(`${ana.name} is typing…`);

    await a.draft.pressSequentially('Hi Ben, the preview', { delay: 20 });
    await typingNotice.waitFor();
    await screenshot(benTab.page, 'chat-room-typing.png');

    await a.draft.fill(''); // emptying the draft ends the typing notice
    await typingNotice.waitFor({ state: 'detached' });

    await a.draft.pressSequentially('Hi Ben, the preview works!', { delay: 20 });
    await typingNotice.waitFor();
  });

  it('delivers Ana’s message to Ben and ends her typing notice when she sends', async () => {
    const a = room(anaTab.page);
    const b = room(benTab.page);

    await a.draft.press('Enter');

    await b.messages.getByText('Hi Ben, the preview works!').waitFor();
    await b.typing.getByText(`${ana.name} is typing…`).waitFor({ state: 'detached' });
    await a.messages.getByText('Hi Ben, the preview works!').waitFor();
    expect(await a.draft.inputValue()).toBe('');
  });

  it('shows a message inserted through the REST API to both', async () => {
    await insertMessageViaRest(stack.devOrg.url, stack.config.apiVersion, chen.id, 'Posted by an integration through REST');

    await room(anaTab.page).messages.getByText('Posted by an integration through REST').waitFor();
    await room(benTab.page).messages.getByText('Posted by an integration through REST').waitFor();
  });

  it('lets them chat back and forth (docs/preview.png)', async () => {
    const a = room(anaTab.page);
    const b = room(benTab.page);
    await b.draft.pressSequentially('Nice! Messages arrive as soon as Salesforce commits them.', { delay: 5 });
    await b.draft.press('Enter');
    await a.messages.getByText('Messages arrive as soon as Salesforce commits them.').waitFor();
    await b.draft.pressSequentially('Typing shows up too', { delay: 5 });
    await a.typing.getByText(`${ben.name} is typing…`).waitFor();

    const anaShot = await screenshot(anaTab.page, 'chat-room-ana.png');
    const benShot = await screenshot(benTab.page, 'chat-room-ben.png');
    const pair = join(RESULTS_DIR, 'chat-room-two-users.png');
    await sideBySide(browser, [{ caption: `${ana.name}'s tab`, png: anaShot }, { caption: `${ben.name}'s tab`, png: benShot }], pair);
    if (process.env.UPDATE_PREVIEW_PNG) copyFileSync(pair, resolve(import.meta.dirname, '../../docs/preview.png'));

    await b.draft.fill('');
    await a.typing.getByText(`${ben.name} is typing…`).waitFor({ state: 'detached' });
  });

  it('drops Ben from Ana’s sidebar when he leaves', async () => {
    await room(benTab.page).leave.click();

    await room(anaTab.page).users.getByText(ben.name).waitFor({ state: 'detached' });
    await room(benTab.page).join.waitFor();
  });

  it('reconnects both after a bridge restart and shows what was committed meanwhile', async () => {
    await stack.bridge.close();
    await showsStatus(anaTab.page, /^Reconnecting…$/);
    await showsStatus(benTab.page, /^Reconnecting…$/);
    await screenshot(anaTab.page, 'chat-room-reconnecting.png');

    // committed while no bridge is running: the new bridge replays it from the stored replay id
    await insertMessageViaRest(stack.devOrg.url, stack.config.apiVersion, chen.id, 'Written while the bridge was down');
    await stack.restartBridge();

    await showsStatus(anaTab.page, /^Connected$/);
    await showsStatus(benTab.page, /^Connected$/);
    await room(anaTab.page).messages.getByText('Written while the bridge was down').waitFor();
    await room(benTab.page).messages.getByText('Written while the bridge was down').waitFor();
    await expect(room(anaTab.page).errors.count()).resolves.toBe(0);
    await expect(room(benTab.page).errors.count()).resolves.toBe(0);

    // and it is live again
    await room(anaTab.page).draft.pressSequentially('Still here after the restart');
    await room(anaTab.page).draft.press('Enter');
    await room(benTab.page).messages.getByText('Still here after the restart').waitFor();
  }, 45_000);

  it('shows a readable error, not a blank room, when the bridge refuses the token', async () => {
    const dana = await openUserPage(browser);
    // Apex answers as usual, but with a token the bridge cannot verify
    await dana.page.route('**/dev/apex/ChatController/getBridgeConnection', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), token: 'not-a-jwt' } });
    });

    await dana.page.goto(`${stack.url}/?user=Dana`);

    const d = room(dana.page);
    await d.errors.getByText('token malformed').waitFor();
    await showsStatus(dana.page, /^Offline$/);
    // the history still shows: Apex works, only live updates are off
    await d.messages.getByText('Still here after the restart').waitFor();
    await dana.page.getByText('Live updates are off.').waitFor();
    await screenshot(dana.page, 'chat-room-token-refused.png');
    await dana.context.close();
  });

  it('raised no uncaught errors in the pages', () => {
    expect([...anaTab.errors, ...benTab.errors]).toEqual([]);
  });
});

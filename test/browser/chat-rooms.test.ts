// Three people and two rooms in the local preview (issue 13): the REAL websocketChat LWC from
// force-app, compiled with LWC OSS, in Debian's Chromium, on the embedded dev org and the bridge.
// The sample data (dev/org/data/seed.ts): "General" (public, default), "Deal Desk" (private: Ana
// and Ben), and the record room of the Account "Acme Corp" (readable by Ana, Ben and Chen; not
// Dana). Every wait is on something a user would see; what must NOT show is checked after
// something later in the same tab did show, so the bridge had every chance to leak it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/stack.js';
import { sampleUser, type SampleUser } from './support/dev-org-api.js';
import { openUserPage, screenshot, type UserPage } from './support/chromium.js';
import { startPreview } from './support/preview.js';

const GENERAL = 'General';
const DEAL_DESK = 'Deal Desk';
const ACME_ROOM = 'Account: Acme Corp';

/** What a user sees of the chat component, by its data-id attributes and roles. */
function chat(page: Page) {
  const roomList = page.locator('[data-id="rooms"]');
  const roomButton = (name: string) => roomList.locator('[data-id="room"]').filter({ hasText: name });
  return {
    status: page.locator('[data-id="status"]'),
    roomName: page.locator('[data-id="room-name"]'),
    roomList,
    roomButton,
    /** The unread badge of a room in the list (absent when nothing is unread). */
    unread: (name: string) => roomButton(name).locator('[data-id="unread"]'),
    messages: page.locator('[data-id="messages"]'),
    typing: page.locator('[data-id="typing"]'),
    errors: page.locator('[data-id="errors"]'),
    draft: page.getByRole('textbox', { name: 'Message' }),
  };
}

/** Opens a room from the list and waits until it is the current one. */
async function openRoom(page: Page, name: string): Promise<void> {
  const c = chat(page);
  await c.roomButton(name).click();
  await c.roomName.filter({ hasText: name }).waitFor();
  await c.roomButton(name).and(page.locator('[aria-current="true"]')).waitFor();
}

async function post(page: Page, text: string): Promise<void> {
  const c = chat(page);
  await c.draft.fill(text);
  await c.draft.press('Enter');
  await c.messages.getByText(text).waitFor();
}

let stack: Stack;
let browser: Browser;
let ana: SampleUser;
let anaTab: UserPage;
let benTab: UserPage;
let chenTab: UserPage;

beforeAll(async () => {
  ({ browser, stack } = await startPreview());
  ana = await sampleUser(stack.devOrg.url, 'Ana');
  [anaTab, benTab, chenTab] = await Promise.all([openUserPage(browser), openUserPage(browser), openUserPage(browser)]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('chat rooms in the local preview: three users, two rooms', () => {
  it('opens everyone in the default room, listing only the rooms each may read', async () => {
    await Promise.all([
      anaTab.page.goto(`${stack.url}/?user=Ana`),
      benTab.page.goto(`${stack.url}/?user=Ben`),
      chenTab.page.goto(`${stack.url}/?user=Chen`),
    ]);
    for (const tab of [anaTab, benTab, chenTab]) {
      const c = chat(tab.page);
      await c.status.filter({ hasText: /^Connected$/ }).waitFor();
      await c.roomName.filter({ hasText: GENERAL }).waitFor();
      await c.roomButton(GENERAL).waitFor();
    }
    await chat(anaTab.page).roomButton(DEAL_DESK).waitFor();
    await chat(benTab.page).roomButton(DEAL_DESK).waitFor();
    // Chen is no member of the private room: it is not in his list at all
    expect(await chat(chenTab.page).roomButton(DEAL_DESK).count()).toBe(0);
  });

  it('keeps a private room’s message in that room: the member elsewhere gets an unread count, the outsider nothing', async () => {
    await openRoom(anaTab.page, DEAL_DESK);
    await post(anaTab.page, 'Discount approved for the Q4 deal');

    const b = chat(benTab.page);
    await b.unread(DEAL_DESK).filter({ hasText: /^1$/ }).waitFor();
    // Ben is still in General: the message is not shown there
    expect(await b.messages.getByText('Discount approved for the Q4 deal').count()).toBe(0);
    expect(await chat(anaTab.page).unread(DEAL_DESK).count()).toBe(0);

    // Chen's General goes on; a later General message arrives, the private one never did
    await post(benTab.page, 'Lunch at noon, everyone?');
    const c = chat(chenTab.page);
    await c.messages.getByText('Lunch at noon, everyone?').waitFor();
    expect(await chenTab.page.getByText('Discount approved for the Q4 deal').count()).toBe(0);
    await screenshot(benTab.page, 'chat-rooms-unread.png');
  });

  it('shows the message and clears the unread count when the member opens the room', async () => {
    await openRoom(benTab.page, DEAL_DESK);
    const b = chat(benTab.page);
    await b.messages.getByText('Discount approved for the Q4 deal').waitFor();
    await b.unread(DEAL_DESK).waitFor({ state: 'detached' });
  });

  it('shows typing only in the room it happens in', async () => {
    // Ana and Ben are in Deal Desk, Chen in General
    await chat(anaTab.page).draft.pressSequentially('The contract is', { delay: 20 });
    await chat(benTab.page).typing.getByText(`${ana.name} is typing…`).waitFor();
    // Chen, typing in General, is heard by nobody in Deal Desk; and Ana's typing never reached him
    const c = chat(chenTab.page);
    await c.draft.pressSequentially('Noon works', { delay: 20 });
    expect(await c.typing.textContent()).toBe('');
    await chat(anaTab.page).draft.fill('');
    await chat(benTab.page).typing.getByText(`${ana.name} is typing…`).waitFor({ state: 'detached' });
    expect(await chat(benTab.page).typing.textContent()).toBe('');
    await c.draft.fill('');
  });

  it('counts a General message as unread for those in another room, and clears it when they come back', async () => {
    await post(chenTab.page, 'Noon works for me');
    const a = chat(anaTab.page);
    // Ana has been in Deal Desk since before Ben's "Lunch at noon": that one and Chen's; Ben, back in
    // Deal Desk after posting his, only Chen's
    await a.unread(GENERAL).filter({ hasText: /^2$/ }).waitFor();
    await chat(benTab.page).unread(GENERAL).filter({ hasText: /^1$/ }).waitFor();
    await openRoom(anaTab.page, GENERAL);
    await a.messages.getByText('Noon works for me').waitFor();
    await a.unread(GENERAL).waitFor({ state: 'detached' });
    // Ben has not looked yet: his count stays
    await chat(benTab.page).unread(GENERAL).filter({ hasText: /^1$/ }).waitFor();
  });

  it('opens a record’s room from its record page, and its messages reach the room’s other readers only', async () => {
    await chenTab.page.goto(`${stack.url}/record?user=Chen&record=${encodeURIComponent('Acme Corp')}`);
    const c = chat(chenTab.page);
    await c.status.filter({ hasText: /^Connected$/ }).waitFor();
    await c.roomName.filter({ hasText: ACME_ROOM }).waitFor();
    await c.roomButton(ACME_ROOM).and(chenTab.page.locator('[aria-current="true"]')).waitFor();
    await screenshot(chenTab.page, 'chat-rooms-record-page.png');

    await post(chenTab.page, 'Acme renewal call moved to Friday');
    // Ana (in General) reads the record: an unread count on its room; opening it shows the message
    const a = chat(anaTab.page);
    await a.unread(ACME_ROOM).filter({ hasText: /^1$/ }).waitFor();
    expect(await a.messages.getByText('Acme renewal call moved to Friday').count()).toBe(0);
    await openRoom(anaTab.page, ACME_ROOM);
    await a.messages.getByText('Acme renewal call moved to Friday').waitFor();

    // and Chen, now in the record room, hears typing there
    await a.draft.pressSequentially('Friday is fine', { delay: 20 });
    await c.typing.getByText(`${ana.name} is typing…`).waitFor();
    await a.draft.fill('');
  });

  it('refuses the record room to a user who cannot read the record, with a readable error', async () => {
    const dana = await openUserPage(browser);
    await dana.page.goto(`${stack.url}/record?user=Dana&record=${encodeURIComponent('Acme Corp')}`);
    const d = chat(dana.page);
    await d.errors.waitFor();
    expect(await dana.page.getByText('Acme renewal call moved to Friday').count()).toBe(0);
    await dana.context.close();
  });

  it('keeps what was read after a reload: the unread counts come from Salesforce', async () => {
    await benTab.page.reload();
    const b = chat(benTab.page);
    await b.status.filter({ hasText: /^Connected$/ }).waitFor();
    await b.roomButton(DEAL_DESK).waitFor();
    // Deal Desk was read; Ben's own membership of the Acme room counts Chen's message
    await b.unread(ACME_ROOM).filter({ hasText: /^1$/ }).waitFor();
    expect(await b.unread(DEAL_DESK).count()).toBe(0);
    expect(await b.errors.count()).toBe(0);
  });

  it('keeps a draft in its room: switching shows the other room’s (empty) draft, Enter there posts nothing', async () => {
    const a = chat(anaTab.page);
    await openRoom(anaTab.page, GENERAL);
    await a.draft.fill('draft in general');
    await openRoom(anaTab.page, DEAL_DESK);
    await a.messages.getByText('Discount approved for the Q4 deal').waitFor();
    expect(await a.draft.inputValue()).toBe('');
    await a.draft.press('Enter');

    await openRoom(anaTab.page, GENERAL);
    expect(await a.draft.inputValue()).toBe('draft in general');
    await a.draft.press('Enter');
    await a.messages.getByText('draft in general').waitFor();
    // Ben, in General since his reload, sees it there and nothing new in Deal Desk
    const b = chat(benTab.page);
    await b.messages.getByText('draft in general').waitFor();
    expect(await b.unread(DEAL_DESK).count()).toBe(0);
    expect(await a.draft.inputValue()).toBe('');
    await openRoom(anaTab.page, DEAL_DESK);
    await a.messages.getByText('Discount approved for the Q4 deal').waitFor();
    expect(await a.messages.getByText('draft in general').count()).toBe(0);
    expect(await a.draft.inputValue()).toBe('');
  });

  it('raised no uncaught errors in the pages', () => {
    expect([...anaTab.errors, ...benTab.errors, ...chenTab.errors]).toEqual([]);
  });
});

// The room controls of the REAL websocketChat LWC in the local preview (issue 13), in Chromium on
// the embedded dev org and the bridge: New room (name, Public / Private, members), Join room,
// Leave room and Add members. What shows that the creator's socket was signed in again for the new room (the token's
// rooms claim is fixed when Apex signs it): a member's reply in the new room reaches the creator's
// open tab, which the bridge sends only to sockets whose token names the room.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/stack.js';
import { sampleUser, type SampleUser } from './support/dev-org-api.js';
import { openUserPage, screenshot, type UserPage } from './support/chromium.js';
import { startPreview } from './support/preview.js';

function chat(page: Page) {
  const roomList = page.locator('[data-id="rooms"]');
  const roomButton = (name: string) => roomList.locator('[data-id="room"]').filter({ hasText: name });
  return {
    status: page.locator('[data-id="status"]'),
    roomName: page.locator('[data-id="room-name"]'),
    roomButton,
    current: (name: string) => roomButton(name).and(page.locator('[aria-current="true"]')),
    unread: (name: string) => roomButton(name).locator('[data-id="unread"]'),
    messages: page.locator('[data-id="messages"]'),
    typing: page.locator('[data-id="typing"]'),
    errors: page.locator('[data-id="errors"]'),
    draft: page.getByRole('textbox', { name: 'Message' }),
    newRoom: page.getByRole('button', { name: 'New room' }),
    joinRoom: page.getByRole('button', { name: 'Join room' }),
    leaveRoom: page.getByRole('button', { name: 'Leave room' }),
    addMembers: page.getByRole('button', { name: 'Add members' }),
    roomNotice: page.locator('[data-id="room-notice"]'),
  };
}

async function openChat(tab: UserPage, user: string, url: string): Promise<void> {
  await tab.page.goto(`${url}/?user=${user}`);
  await chat(tab.page).status.filter({ hasText: /^Connected$/ }).waitFor();
}

async function createRoom(page: Page, name: string, type: 'Public' | 'Private', members: string[]): Promise<void> {
  await chat(page).newRoom.click();
  await page.getByLabel('Room name').fill(name);
  // SLDS draws its own radio and checkbox over the inputs: a user clicks their labels
  const types = page.getByRole('radiogroup', { name: 'Type' });
  await types.getByText(type, { exact: true }).click();
  await types.getByRole('radio', { name: type }).and(page.locator(':checked')).waitFor({ state: 'attached' });
  const group = page.getByRole('group', { name: 'Members' });
  for (const member of members) await group.getByText(member, { exact: true }).click();
  await page.getByRole('button', { name: 'Create room' }).click();
}

let stack: Stack;
let browser: Browser;
let ana: SampleUser;
let ben: SampleUser;
let chen: SampleUser;
let anaTab: UserPage;
let benTab: UserPage;
let chenTab: UserPage;

beforeAll(async () => {
  ({ browser, stack } = await startPreview());
  [ana, ben, chen] = await Promise.all(['Ana', 'Ben', 'Chen'].map((name) => sampleUser(stack.devOrg.url, name)));
  [anaTab, benTab, chenTab] = await Promise.all([openUserPage(browser), openUserPage(browser), openUserPage(browser)]);
  await Promise.all([openChat(anaTab, 'Ana', stack.url), openChat(benTab, 'Ben', stack.url), openChat(chenTab, 'Chen', stack.url)]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('creating, joining and leaving rooms in the local preview', () => {
  it('creates a private room with a member: it becomes current, the form closes, the member hears it', async () => {
    const a = chat(anaTab.page);
    await createRoom(anaTab.page, 'Pricing review', 'Private', [ben.name]);

    await a.roomName.filter({ hasText: 'Pricing review' }).waitFor();
    await a.current('Pricing review').waitFor();
    await anaTab.page.getByRole('button', { name: 'Create room' }).waitFor({ state: 'detached' });
    await a.leaveRoom.waitFor();
    await a.status.filter({ hasText: /^Connected$/ }).waitFor();
    await screenshot(anaTab.page, 'room-controls-created.png');

    // Ben's list was read before the room existed: a reload lists it (his new token names it)
    await benTab.page.reload();
    const b = chat(benTab.page);
    await b.status.filter({ hasText: /^Connected$/ }).waitFor();
    await b.roomButton('Pricing review').waitFor();

    // Ana's socket was signed in again with a token naming the room (the bridge sends a room's
    // events only to sockets whose token names it): Ben's message there reaches her open tab.
    // (Ana has not typed in the room yet: a refused typing notice would also make her sign in again.)
    await b.roomButton('Pricing review').click();
    await b.current('Pricing review').waitFor();
    await b.draft.fill('Thanks for the invite');
    await b.draft.press('Enter');
    await a.messages.getByText('Thanks for the invite').waitFor();

    // Ana answers: Ben, in another room meanwhile, gets an unread count; opening the room shows it
    await b.roomButton('General').click();
    await b.current('General').waitFor();
    await a.draft.fill('Pricing deck is ready');
    await a.draft.press('Enter');
    await b.unread('Pricing review').filter({ hasText: /^1$/ }).waitFor();
    await b.roomButton('Pricing review').click();
    await b.messages.getByText('Pricing deck is ready').waitFor();

    // and her typing there reaches Ben
    await a.draft.pressSequentially('One more thing', { delay: 20 });
    await b.typing.getByText(`${ana.name} is typing…`).waitFor();
    await a.draft.fill('');

    // Chen is no member: not in his list, even after a reload
    await chenTab.page.reload();
    await chat(chenTab.page).status.filter({ hasText: /^Connected$/ }).waitFor();
    await chat(chenTab.page).roomButton('General').waitFor();
    expect(await chat(chenTab.page).roomButton('Pricing review').count()).toBe(0);
  });

  it('lets a user join a public room and leave it again', async () => {
    await createRoom(anaTab.page, 'Town hall', 'Public', []);
    await chat(anaTab.page).current('Town hall').waitFor();

    await chenTab.page.reload();
    const c = chat(chenTab.page);
    await c.status.filter({ hasText: /^Connected$/ }).waitFor();
    await c.roomButton('Town hall').click();
    await c.current('Town hall').waitFor();
    await c.joinRoom.click();
    await c.leaveRoom.waitFor();
    expect(await c.joinRoom.count()).toBe(0);

    await c.leaveRoom.click();
    await c.joinRoom.waitFor();
    // still readable (public): it stays shown
    await c.roomName.filter({ hasText: 'Town hall' }).waitFor();
  });

  it('leaving a private room shows the default room, and the room is gone from the list', async () => {
    const b = chat(benTab.page);
    await b.current('Pricing review').waitFor();
    await b.leaveRoom.click();

    await b.current('General').waitFor();
    await b.roomButton('Pricing review').waitFor({ state: 'detached' });
    expect(await b.errors.count()).toBe(0);
  });

  it('accepts an 80-character name; a blank one cannot be sent, and Cancel closes the form', async () => {
    const a = chat(anaTab.page);
    await createRoom(anaTab.page, 'x'.repeat(80), 'Public', []);
    await a.roomName.filter({ hasText: 'x'.repeat(80) }).waitFor();
    // a blank name cannot be sent at all
    await a.newRoom.click();
    await anaTab.page.getByLabel('Room name').fill('   ');
    expect(await anaTab.page.getByRole('button', { name: 'Create room' }).isDisabled()).toBe(true);
    await anaTab.page.getByRole('button', { name: 'Cancel' }).click();
    await anaTab.page.getByRole('button', { name: 'Create room' }).waitFor({ state: 'detached' });
  });

  it('adds a member to a private room: after a reload the new member lists it and reads its messages', async () => {
    const a = chat(anaTab.page);
    const c = chat(chenTab.page);
    await a.roomButton('Deal Desk').click();
    await a.current('Deal Desk').waitFor();
    await a.draft.fill('Margin sign-off is at noon');
    await a.draft.press('Enter');
    await a.messages.getByText('Margin sign-off is at noon').waitFor();
    // Chen enters the chat, so Ana's tab knows him (the people in the chat can be added)
    await c.status.filter({ hasText: /^Connected$/ }).waitFor();
    await chenTab.page.getByRole('button', { name: 'Join chat' }).click();
    await chenTab.page.getByRole('button', { name: 'Leave chat' }).waitFor();

    expect(await c.roomButton('Deal Desk').count()).toBe(0);

    await a.addMembers.click();
    const group = anaTab.page.getByRole('group', { name: 'Members' });
    await group.getByText(chen.name, { exact: true }).click();
    await anaTab.page.getByRole('button', { name: 'Add', exact: true }).click();
    await a.roomNotice.filter({ hasText: 'Added 1 member.' }).waitFor();
    await anaTab.page.getByRole('group', { name: 'Members' }).waitFor({ state: 'detached' });
    expect(await a.errors.count()).toBe(0);

    // Chen learns of the room at his next room list read: a reload
    await chenTab.page.reload();
    await c.status.filter({ hasText: /^Connected$/ }).waitFor();
    await c.roomButton('Deal Desk').click();
    await c.current('Deal Desk').waitFor();
    await c.messages.getByText('Margin sign-off is at noon').waitFor();
    expect(await c.errors.count()).toBe(0);
  });

  it('raised no uncaught errors in the pages', () => {
    expect([...anaTab.errors, ...benTab.errors, ...chenTab.errors]).toEqual([]);
  });
});

// The record page of the local preview (/record?user=…&record=<name|id>): the REAL websocketChat LWC
// mounted as Lightning mounts it on a record page, its `recordId` set to the record the dev org's
// GET /dev/records names; the header names the record and links the other views as the same user;
// an unknown record is a readable alert listing the records there are. Debian's Chromium.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/stack.js';
import { sampleUser, type SampleUser } from './support/dev-org-api.js';
import { openUserPage, type UserPage } from './support/chromium.js';
import { startPreview } from './support/preview.js';

let stack: Stack;
let browser: Browser;
let ben: SampleUser;
let acme: { id: string; name: string; type: string };
let tab: UserPage;

beforeAll(async () => {
  ({ browser, stack } = await startPreview());
  ben = await sampleUser(stack.devOrg.url, 'Ben');
  [acme] = (await (await fetch(`${stack.devOrg.url}/dev/records`)).json()) as Array<typeof acme>;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const hrefOf = (nav: string) => tab.page.locator(`a[data-preview-nav="${nav}"]`).getAttribute('href');

describe('the record page of the local preview', () => {
  beforeAll(async () => {
    tab = await openUserPage(browser, 30_000);
  });

  it('mounts the chat with the record id of the record named in the address, and names the record in the header', async () => {
    await tab.page.goto(`${stack.url}/record?user=Ana&record=acme%20corp`);

    await tab.page.getByText('Signed in as Ana Alvarez').waitFor();
    await tab.page.locator('c-websocket-chat').waitFor({ state: 'attached' });
    expect(await tab.page.locator('[data-id="preview-record"]').textContent()).toBe('Account: Acme Corp');
    expect(await tab.page.locator('c-websocket-chat').evaluate((element) => (element as HTMLElement & { recordId?: string }).recordId)).toBe(acme.id);
    expect(await tab.page.title()).toBe('Ana Alvarez · Account: Acme Corp · sf-chat-bridge preview');
    expect([await hrefOf('chat'), await hrefOf('admin')]).toEqual(['/?user=Ana', '/admin?user=Ana']);
    expect(tab.errors).toEqual([]);
  });

  it('finds the record by its 15-character id too', async () => {
    await tab.page.goto(`${stack.url}/record?user=Ana&record=${acme.id.slice(0, 15)}`);

    await tab.page.locator('c-websocket-chat').waitFor({ state: 'attached' });
    expect(await tab.page.locator('c-websocket-chat').evaluate((element) => (element as HTMLElement & { recordId?: string }).recordId)).toBe(acme.id);
  });

  it('says so when the dev org has no such record, and links the records it has', async () => {
    await tab.page.goto(`${stack.url}/record?user=Ana&record=Globex`);

    const alert = tab.page.locator('[data-id="preview-record-unknown"]');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(`There is no sample record "Globex" in the dev org. Known records: Account: Acme Corp (${acme.id})`);
    expect(await alert.getByRole('link').getAttribute('href')).toBe('/record?user=Ana&record=Acme+Corp');
    expect(await tab.page.locator('c-websocket-chat').count()).toBe(0);
  });

  it('keeps a user chosen in the picker in the header links and the address', async () => {
    const fresh = await openUserPage(browser, 30_000);
    tab = fresh;
    await fresh.page.goto(`${stack.url}/record?record=Acme%20Corp`);

    await fresh.page.getByRole('button', { name: new RegExp(ben.name) }).click();

    await fresh.page.getByText(`Signed in as ${ben.name}`).waitFor();
    expect(new URL(fresh.page.url()).search).toBe('?record=Acme+Corp&user=Ben');
    expect([await hrefOf('chat'), await hrefOf('record'), await hrefOf('admin')]).toEqual(['/?user=Ben', '/record?record=Acme+Corp&user=Ben', '/admin?user=Ben']);
    await fresh.context.close();
  });
});

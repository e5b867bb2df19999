// The admin's audit in the local preview: the REAL chatAudit LWC from force-app (compiled with LWC
// OSS, served at /admin by the dev-mode bridge), in Debian's Chromium, against the embedded dev org
// for Apex (ChatAuditController.getAuditConnection) and the bridge's admin API for the data. A
// message inserted through the REST API shows up with source REST; the auditor filters it, opens
// its detail and downloads the CSV; a sample user without Chat_Auditor is refused, readably.
import { copyFileSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { apexStringConstants, metaPath, parseApexFile } from '../force-app/support/force-app.js';
import { insertMessageViaRest, sampleUser, type SampleUser } from './support/dev-org-api.js';
import { openUserPage, screenshot, type UserPage } from './support/chromium.js';
import { startPreview } from './support/preview.js';

const REFUSAL = apexStringConstants(parseApexFile(metaPath('classes', 'ChatAuditController.cls'))).get('AUDIT_REFUSED')!;

/** What an admin sees of the audit component, by its data-id attributes, labels and roles. */
function audit(page: Page) {
  return {
    refusal: page.locator('[data-id="refusal"]'),
    errors: page.locator('[data-id="errors"]'),
    table: page.locator('[data-id="events"]'),
    count: page.locator('[data-id="event-count"]'),
    detail: page.locator('[data-id="detail"]'),
    recordId: page.getByRole('textbox', { name: 'Record id' }),
    source: page.getByRole('textbox', { name: 'Source' }),
    apply: page.getByRole('button', { name: 'Apply filters' }),
    exportCsv: page.getByRole('button', { name: 'Export CSV' }),
    summary: page.locator('[data-id="counts-chart"]'),
  };
}

let stack: Stack;
let browser: Browser;
let ana: SampleUser;
let ben: SampleUser;
let maya: SampleUser;
let admin: UserPage;
let other: UserPage;

beforeAll(async () => {
  ({ browser, stack } = await startPreview());
  [ana, ben, maya] = await Promise.all(['Ana', 'Ben', 'Maya'].map((name) => sampleUser(stack.devOrg.url, name)));
  admin = await openUserPage(browser, 30_000);
  other = await openUserPage(browser);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the chat audit in the local preview', () => {
  it('refuses a sample user without the Chat Auditor permission set, with a readable message', async () => {
    await other.page.goto(`${stack.url}/admin?user=Ana`);

    await audit(other.page).refusal.getByText(REFUSAL).waitFor();
    expect(await audit(other.page).table.count()).toBe(0);
    expect(await other.page.getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
    expect(other.errors).toEqual([]);
    await screenshot(other.page, 'chat-audit-refused.png');
  });

  let recordId: string;

  it('shows a message inserted through REST with source REST, and filters it', async () => {
    // Some traffic from the component too (source AURA), so the filter has something to leave out.
    const apexHeaders = { 'Content-Type': 'application/json', Authorization: `Bearer ${stack.devOrg.data.sessionFor(ben.id)}` };
    await fetch(`${stack.devOrg.url}/dev/apex/ChatController/postMessage`, { method: 'POST', headers: apexHeaders, body: JSON.stringify({ content: 'Posted from the chat component' }) });
    recordId = await insertMessageViaRest(stack.devOrg.url, stack.devOrg.apiVersion, ana.id, 'Loaded by an integration through REST');
    await admin.page.goto(`${stack.url}/admin?user=Maya`);
    const view = audit(admin.page);
    await admin.page.getByText(`Signed in as ${maya.name}`).waitFor();
    // The bridge logs the event once CometD delivers it: refresh until it is there, as an admin would.
    await waitFor(
      async () => {
        await admin.page.getByRole('button', { name: 'Refresh' }).click();
        return (await view.table.getByText(recordId).count()) > 0;
      },
      'the REST insert in the audit table',
      { timeoutMs: 20_000, intervalMs: 500 },
    );

    await view.recordId.fill(recordId);
    await view.source.fill('REST');
    await view.apply.click();

    await view.count.getByText(/^1 event shown$/).waitFor();
    const row = view.table.locator('tbody tr').filter({ hasText: recordId });
    await expect(row.textContent()).resolves.toMatch(/MESSAGE_CREATED[\s\S]*REST/);
    await row.getByRole('button', { name: /Show actions/i }).click();
    await admin.page.getByRole('menuitem', { name: 'Show details' }).click();
    await view.detail.locator('[data-id="detail-source"]').getByText('REST').waitFor();
    await expect(view.detail.locator('[data-id="detail-record"]').getAttribute('href')).resolves.toBe(`/lightning/r/${recordId}/view`);
    expect(admin.errors).toEqual([]);
  });

  it('downloads the filtered events as CSV (docs/audit.png)', async () => {
    const view = audit(admin.page);
    const downloaded = admin.page.waitForEvent('download');
    await view.exportCsv.click();
    const download = await downloaded;

    const csv = readFileSync((await download.path())!, 'utf8');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    expect(download.suggestedFilename()).toMatch(/^chat-audit-.+\.csv$/);
    expect(header).toMatch(/recordId/i);
    expect(header).toMatch(/source/i);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(recordId);
    expect(rows[0]).toContain('REST');
    expect(rows[0]).toContain('MESSAGE_CREATED');

    // The screenshot for README: more kinds of traffic (an edit through REST, someone entering the
    // room from the component), every event of the last hour, the chart, and one row's detail.
    const rest = `${stack.devOrg.url}/services/data/v${stack.devOrg.apiVersion}/sobjects/Chat_Message__c/${recordId}`;
    const anaSession = { 'Content-Type': 'application/json', Authorization: `Bearer ${stack.devOrg.data.sessionFor(ana.id)}` };
    expect((await fetch(rest, { method: 'PATCH', headers: anaSession, body: JSON.stringify({ Content__c: 'Corrected by the integration' }) })).status).toBe(204);
    await fetch(`${stack.devOrg.url}/dev/apex/ChatController/leaveChat`, { method: 'POST', headers: anaSession, body: '{}' });
    await view.recordId.fill('');
    await view.source.fill('');
    await waitFor(
      async () => {
        await view.apply.click();
        return (await view.table.getByText('MESSAGE_UPDATED').count()) > 0 && (await view.table.getByText('USER_LEFT').count()) > 0;
      },
      'the edit and the departure in the audit table',
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    const updated = view.table.locator('tbody tr').filter({ hasText: 'MESSAGE_UPDATED' });
    await updated.getByRole('button', { name: /Show actions/i }).click();
    await admin.page.getByRole('menuitem', { name: 'Show details' }).click();
    await view.detail.locator('[data-id="detail-changed-fields"]').getByText('Content__c').waitFor();
    await admin.page.setViewportSize({ width: 1440, height: 1300 });
    await view.summary.waitFor();
    await admin.page.evaluate(() => window.scrollTo(0, 0)); // the row menu scrolled the page
    const shot = await screenshot(admin.page, 'chat-audit.png');
    expect(shot.length).toBeGreaterThan(10_000);
    if (process.env.UPDATE_PREVIEW_PNG) copyFileSync(resolve(import.meta.dirname, '../../test-results/chat-audit.png'), resolve(import.meta.dirname, '../../docs/audit.png'));
    expect(admin.errors).toEqual([]);
  });
});

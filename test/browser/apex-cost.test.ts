// What 20 open tabs cost Salesforce: the REAL websocketChat LWC (the local preview) in 20 Chromium
// tabs, against the embedded dev org, which counts every Apex call (ChatController,
// ChatRoomController, by method name) and the rows it returned (DevOrg.apexUsage(), also GET
// /dev/apex-usage). Issue 12: a posted message costs each receiving tab at most one Apex call
// reading at most the changed rows, not the whole history (issue 13: nor a read mark or a room list
// per message); and after a bridge restart the tabs catch up by `since` instead of reloading the history.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApexUsageSnapshot } from '../../dev/org/index.js';
import type { Stack } from '../helpers/stack.js';
import { settle } from '../helpers/wait-for.js';
import { insertMessageViaRest, sampleUsers, type SampleUser } from './support/dev-org-api.js';
import { openUserPage, type UserPage } from './support/chromium.js';
import { startPreview } from './support/preview.js';

const TABS = 20;
/** The methods that read the message history, whole or in part. */
const HISTORY_READS = ['getRecentMessages', 'getMessagesSince'] as const;

let stack: Stack;
let browser: Browser;
let users: SampleUser[];
const tabs: Array<UserPage & { user: SampleUser }> = [];

const status = (page: Page) => page.locator('[data-id="status"]');
const messages = (page: Page) => page.locator('[data-id="messages"]');
const showsStatus = (page: Page, label: RegExp) => status(page).filter({ hasText: label }).waitFor();
/** Runs `check` in every tab; a failure names the tab, its user and what its status badge shows. */
const allTabs = (check: (page: Page) => Promise<unknown>) =>
  Promise.all(
    tabs.map((tab, i) =>
      check(tab.page).catch(async (err: Error) => {
        const shown = await status(tab.page).textContent({ timeout: 1_000 }).catch(() => '?');
        throw new Error(`tab ${i} (${tab.user.firstName}, status "${shown}"): ${err.message}`, { cause: err });
      }),
    ),
  );

/** Calls and rows per method between two snapshots, per user and in total. */
function usageBetween(before: ApexUsageSnapshot, after: ApexUsageSnapshot) {
  const delta = (a: ApexUsageSnapshot['methods'] = {}, b: ApexUsageSnapshot['methods'] = {}) =>
    Object.fromEntries(
      Object.entries(b)
        .map(([method, usage]) => [method, { calls: usage.calls - (a[method]?.calls ?? 0), rows: usage.rows - (a[method]?.rows ?? 0) }] as const)
        .filter(([, usage]) => usage.calls > 0),
    );
  return {
    methods: delta(before.methods, after.methods),
    byUser: Object.fromEntries(Object.keys(after.byUser).map((user) => [user, delta(before.byUser[user], after.byUser[user])])),
  };
}

/**
 * Resolves once no tab has called Apex for 2 s: a late call is counted where it belongs.
 * @throws Error naming the methods still being called when the tabs are not quiet within `deadlineMs`
 *   (a tab calling Apex in a loop).
 */
async function apexQuiet(deadlineMs = 30_000): Promise<ApexUsageSnapshot> {
  const started = Date.now();
  let last = stack.devOrg.apexUsage();
  for (;;) {
    await settle(2_000);
    const now = stack.devOrg.apexUsage();
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    if (Date.now() - started > deadlineMs) {
      throw new Error(`the tabs still call Apex after ${deadlineMs} ms: ${JSON.stringify(usageBetween(last, now).methods)}`);
    }
    last = now;
  }
}

/** Every tab shows `text`; answers what the Apex calls since `before` cost. */
async function costUntilAllShow(text: string, before: ApexUsageSnapshot) {
  await allTabs((page) => messages(page).getByText(text).waitFor());
  return usageBetween(before, await apexQuiet());
}

/** The call that posts: the one the sender makes besides what every receiving tab costs. */
const POST = 'postMessage';

/** Calls of every method but the post. */
const callsBesidesPost = (methods: Record<string, { calls: number }> = {}) =>
  Object.entries(methods).reduce((sum, [method, usage]) => sum + (method === POST ? 0 : usage.calls), 0);

/**
 * Asserts: no history read at all; per user at most one Apex call per tab besides the post, and
 * that one getMessagesByIds reading ≤ `changedRows` rows.
 */
function expectChangedRowsOnly(cost: ReturnType<typeof usageBetween>, changedRows: number) {
  // Printed so a run shows the figures, not only that they held.
  console.info(`Apex calls/rows for ${TABS} tabs: ${Object.entries(cost.methods).map(([m, u]) => `${m} ${u.calls}/${u.rows}`).join(', ')}`);
  for (const method of HISTORY_READS) expect(cost.methods[method], `${method} calls`).toBeUndefined();
  const byIds = cost.methods.getMessagesByIds ?? { calls: 0, rows: 0 };
  expect(byIds.calls, 'getMessagesByIds calls in all tabs').toBeGreaterThan(0);
  expect(byIds.calls, 'getMessagesByIds calls in all tabs').toBeLessThanOrEqual(TABS);
  expect(byIds.rows, 'rows read in all tabs').toBeLessThanOrEqual(byIds.calls * changedRows);
  expect(callsBesidesPost(cost.methods), 'Apex calls in all tabs besides the post').toBe(byIds.calls);
  for (const user of users) {
    const tabsOfUser = tabs.filter((tab) => tab.user.id === user.id).length;
    expect(callsBesidesPost(cost.byUser[user.id]), `${user.name}'s ${tabsOfUser} tabs`).toBeLessThanOrEqual(tabsOfUser);
  }
}

beforeAll(async () => {
  ({ browser, stack } = await startPreview());
  users = await sampleUsers(stack.devOrg.url);
  for (let i = 0; i < TABS; i += 1) {
    const tab = await openUserPage(browser, 60_000);
    tabs.push({ ...tab, user: users[i % users.length]! });
  }
  await Promise.all(tabs.map((tab) => tab.page.goto(`${stack.url}/?user=${tab.user.firstName}`)));
  await allTabs((page) => showsStatus(page, /^Connected$/));
  await apexQuiet(); // the first loads of every tab are done
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe(`Apex cost of the chat with ${TABS} tabs open`, () => {
  it('a message inserted through REST costs each tab at most one Apex call reading the one changed row', async () => {
    const before = stack.devOrg.apexUsage();

    await insertMessageViaRest(stack.devOrg.url, stack.config.apiVersion, users[2]!.id, 'Inserted by an integration, seen by 20 tabs');

    expectChangedRowsOnly(await costUntilAllShow('Inserted by an integration, seen by 20 tabs', before), 1);
  }, 120_000);

  it('a message posted from one tab costs each tab at most one Apex call besides the post itself', async () => {
    const poster = tabs[0]!;
    const before = stack.devOrg.apexUsage();

    await poster.page.getByRole('textbox', { name: 'Message' }).fill('Posted from the first tab');
    await poster.page.getByRole('textbox', { name: 'Message' }).press('Enter');

    const cost = await costUntilAllShow('Posted from the first tab', before);
    expect(cost.methods.postMessage?.calls).toBe(1);
    expectChangedRowsOnly(cost, 1);
  }, 120_000);

  it('after a bridge restart the tabs catch up by since: what was missed, not the whole history', async () => {
    // Each step is logged, so a run that times out shows where it stood.
    const started = Date.now();
    const step = async <T>(what: string, work: Promise<T>): Promise<T> => {
      const done = await work;
      console.info(`${Date.now() - started} ms: ${what}`);
      return done;
    };
    await step('bridge closed', stack.bridge.close());
    await step('all tabs reconnecting', allTabs((page) => showsStatus(page, /^Reconnecting…$/)));
    const before = stack.devOrg.apexUsage();

    await step('message inserted', insertMessageViaRest(stack.devOrg.url, stack.config.apiVersion, users[1]!.id, 'Written while the bridge was down'));
    await step('bridge restarted', stack.restartBridge());

    await step('all tabs connected', allTabs((page) => showsStatus(page, /^Connected$/)));
    expectChangedRowsOnly(await step('all tabs show the message', costUntilAllShow('Written while the bridge was down', before)), 1);
  }, 150_000);

  it('raised no uncaught errors in the pages', () => {
    expect(tabs.flatMap((tab) => tab.errors)).toEqual([]);
  });
});

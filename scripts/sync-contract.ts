/**
 * `npm run contract:sync`: writes the event types of bridge/events/contract.ts where they cannot be
 * imported — the LWC's `c/chatEventTypes` table (an LWC cannot import the bridge) and README's
 * event-type table — so that adding a type is a change to the contract (plus the Apex publisher and
 * its fixtures) and a run of this script, never a hand edit elsewhere. test/contract.test.ts fails
 * when either copy differs from what this script would write.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHAT_EVENT_CATEGORY, eventTypesOf, type ChatEventCategory } from '../bridge/events/contract.js';

const ROOT = resolve(import.meta.dirname, '..');

/** The files this script writes, relative to the repository root. */
export const SYNCED_FILES = {
  lwc: join('force-app', 'main', 'default', 'lwc', 'chatEventTypes', 'chatEventTypes.js'),
  readme: 'README.md',
} as const;

/** What each category means to a reader of the event (README). */
const CATEGORY_DOC: Record<ChatEventCategory, { record: string; reload: string }> = {
  messages: { record: 'the `Chat_Message__c` / its author (`User__c`, else whoever saved it)', reload: 'the message it names (`ChatController.getMessagesByIds`); the whole history only on `bridge:resync` or without a catch-up position' },
  presence: { record: 'the `User` entering or leaving (both fields)', reload: 'the list of people in the room' },
};

const LWC_TABLE = /(export const EVENT_CATEGORY = Object\.freeze\(\{\n)[\s\S]*?(\n\}\);)/;
const README_BLOCK = /(<!-- contract:event-types -->\n)[\s\S]*?(<!-- \/contract:event-types -->)/;

function replaceOnce(text: string, pattern: RegExp, body: string, file: string): string {
  if (!pattern.test(text)) throw new Error(`${file}: the generated block (${pattern.source.slice(0, 40)}…) is missing`);
  return text.replace(pattern, (_, head: string, tail: string) => `${head}${body}${tail}`);
}

/** `source` (chatEventTypes.js) with its EVENT_CATEGORY entries rewritten from the contract. */
export function renderLwcTable(source: string): string {
  const entries = Object.entries(CHAT_EVENT_CATEGORY).map(([type, category]) => `    ${type}: '${category}'`);
  return replaceOnce(source, LWC_TABLE, entries.join(',\n'), SYNCED_FILES.lwc);
}

/** `readme` with its event-type table rewritten from the contract. */
export function renderReadmeTable(readme: string): string {
  const rows = (Object.keys(CATEGORY_DOC) as ChatEventCategory[]).map((category) => {
    const types = eventTypesOf(category).map((t) => `\`${t}\``).join(', ');
    return `| \`${category}\` | ${types} | ${CATEGORY_DOC[category].record} | ${CATEGORY_DOC[category].reload} |`;
  });
  const table = ['| Category | `Type__c` | `Record_Id__c` / `User_Id__c` | A browser refreshes |', '|---|---|---|---|', ...rows, ''];
  return replaceOnce(readme, README_BLOCK, table.join('\n'), SYNCED_FILES.readme);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [file, render] of [
    [SYNCED_FILES.lwc, renderLwcTable],
    [SYNCED_FILES.readme, renderReadmeTable],
  ] as const) {
    const path = join(ROOT, file);
    const before = readFileSync(path, 'utf8');
    const after = render(before);
    if (after !== before) writeFileSync(path, after);
    process.stdout.write(`${after === before ? 'up to date' : 'written'}  ${file}\n`);
  }
}

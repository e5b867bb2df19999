/**
 * `npm run publish-event -- --type MESSAGE_CREATED [--record <id>] [--user <id>] [--room <id>] [--url <bridge url>]`
 *
 * Publishes one Chat_Event__e through the REST API (`POST /services/data/vXX.X/sobjects/Chat_Event__e/`)
 * to whichever org is configured: the SF_* variables' org, or else the running dev-mode bridge's dev
 * org (`--url` picks the bridge when several run).
 */
import { parseArgs } from 'node:util';
import { stdSerializers } from 'pino';
import { loadConfig } from '../bridge/config.js';
import { CHAT_EVENT_API_NAME, CHAT_EVENT_CATEGORY, CHAT_EVENT_FIELDS, CHAT_EVENT_TYPES, isChatEventType } from '../bridge/events/contract.js';
import { publishedFieldProblems, type PublishedField } from '../bridge/events/mapping.js';
import { cliLogin } from './cli-login.js';

const USAGE = `usage: npm run publish-event -- --type <${CHAT_EVENT_TYPES.join('|')}> [--record <id>] [--user <id>] [--room <id>] [--url <bridge url>]
  --record  Record_Id__c: the Chat_Message__c id (category messages) or User id (presence); default: a placeholder
            message id for messages, the logged-in user for presence
  --user    User_Id__c; default: the logged-in user
  --room    Room_Id__c: the Chat_Room__c the event belongs to; only sockets whose token lists that room get
            it (npm run watch -- --rooms <id>); default: none, an org-wide event every socket gets
  --url     without SF_* credentials: the dev-mode bridge whose dev org to publish to, when several run`;

/** Record_Id__c of `messages` events when none is given: message-shaped, pointing at no record. */
const PLACEHOLDER_MESSAGE_ID = 'a01000000000000AAA';

/** The flag that sets each field, to name it when its value would be dropped. */
const FLAG_OF_FIELD: Readonly<Partial<Record<PublishedField, string>>> = {
  [CHAT_EVENT_FIELDS.type]: '--type',
  [CHAT_EVENT_FIELDS.recordId]: '--record',
  [CHAT_EVENT_FIELDS.userId]: '--user',
  [CHAT_EVENT_FIELDS.roomId]: '--room',
};

/** Exits with status 2 when a value given on the command line is one the bridge would drop as malformed. */
function refuseMalformed(given: Partial<Record<PublishedField, string>>): void {
  const problems = publishedFieldProblems(given);
  if (problems.length === 0) return;
  const lines = problems.map((p) => `publish-event: ${FLAG_OF_FIELD[p.field]} ${given[p.field]} is ${p.message} (the bridge would drop the event as malformed)`);
  process.stderr.write(`${lines.join('\n')}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        type: { type: 'string' },
        record: { type: 'string' },
        user: { type: 'string' },
        room: { type: 'string' },
        url: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    // An unknown flag or a flag without its value: the command line is the user's to fix.
    process.stderr.write(`publish-event: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (!values.type) {
    process.stderr.write(`publish-event: --type is required\n${USAGE}\n`);
    process.exit(2);
  }
  const type = values.type;
  if (!isChatEventType(type)) {
    process.stderr.write(`publish-event: unknown --type ${type} (the bridge would drop it)\n${USAGE}\n`);
    process.exit(2);
  }
  // Before logging in: a bad flag is the user's to fix, whichever org is (or is not) running.
  refuseMalformed({ [CHAT_EVENT_FIELDS.recordId]: values.record, [CHAT_EVENT_FIELDS.userId]: values.user, [CHAT_EVENT_FIELDS.roomId]: values.room });
  const session = await cliLogin(loadConfig(), values.url);
  const fields = {
    [CHAT_EVENT_FIELDS.type]: type,
    [CHAT_EVENT_FIELDS.recordId]: values.record ?? (CHAT_EVENT_CATEGORY[type] === 'messages' ? PLACEHOLDER_MESSAGE_ID : session.userId),
    [CHAT_EVENT_FIELDS.userId]: values.user ?? session.userId,
    ...(values.room === undefined ? {} : { [CHAT_EVENT_FIELDS.roomId]: values.room }),
  };
  const result = await session.connection.sobject(CHAT_EVENT_API_NAME).create(fields);
  process.stdout.write(`published ${CHAT_EVENT_API_NAME} to ${session.instanceUrl}: ${JSON.stringify({ ...fields, result })}\n`);
}

main().catch((err) => {
  // With its causes (`…failed: INVALID_LOGIN: …`), as the bridge's logs render an error.
  process.stderr.write(`publish-event: ${stdSerializers.err(err as Error).message}\n`);
  process.exit(1);
});

/**
 * `npm run publish-event -- --type MESSAGE_CREATED [--record <id>] [--user <id>]`
 *
 * Publishes one Chat_Event__e through the REST API (`POST /services/data/vXX.X/sobjects/Chat_Event__e/`)
 * to whichever org is configured: the SF_* variables' org, or else the running dev-mode bridge's dev org.
 */
import { parseArgs } from 'node:util';
import { stdSerializers } from 'pino';
import { loadConfig } from '../bridge/config.js';
import { CHAT_EVENT_API_NAME, CHAT_EVENT_CATEGORY, CHAT_EVENT_FIELDS, CHAT_EVENT_TYPES, isChatEventType } from '../bridge/events/contract.js';
import { cliLogin } from './cli-login.js';

const USAGE = `usage: npm run publish-event -- --type <${CHAT_EVENT_TYPES.join('|')}> [--record <id>] [--user <id>]
  --record  Record_Id__c: the Chat_Message__c id (category messages) or User id (presence); default: a placeholder
            message id for messages, the logged-in user for presence
  --user    User_Id__c; default: the logged-in user`;

/** Record_Id__c of `messages` events when none is given: message-shaped, pointing at no record. */
const PLACEHOLDER_MESSAGE_ID = 'a01000000000000AAA';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { type: { type: 'string' }, record: { type: 'string' }, user: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || !values.type) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const type = values.type;
  if (!isChatEventType(type)) {
    process.stderr.write(`publish-event: unknown --type ${type} (the bridge would drop it)\n${USAGE}\n`);
    process.exit(2);
  }
  const session = await cliLogin(loadConfig());
  const fields = {
    [CHAT_EVENT_FIELDS.type]: type,
    [CHAT_EVENT_FIELDS.recordId]: values.record ?? (CHAT_EVENT_CATEGORY[type] === 'messages' ? PLACEHOLDER_MESSAGE_ID : session.userId),
    [CHAT_EVENT_FIELDS.userId]: values.user ?? session.userId,
  };
  const result = await session.connection.sobject(CHAT_EVENT_API_NAME).create(fields);
  process.stdout.write(`published ${CHAT_EVENT_API_NAME} to ${session.instanceUrl}: ${JSON.stringify({ ...fields, result })}\n`);
}

main().catch((err) => {
  // With its causes (`…failed: INVALID_LOGIN: …`), as the bridge's logs render an error.
  process.stderr.write(`publish-event: ${stdSerializers.err(err as Error).message}\n`);
  process.exit(1);
});

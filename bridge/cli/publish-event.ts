/**
 * `npm run publish-event -- --type MESSAGE_CREATED [--record <id>] [--user <id>]`
 *
 * Publishes one Chat_Event__e through the REST API (`POST /services/data/vXX.X/sobjects/Chat_Event__e/`)
 * to whichever org is configured: the SF_* variables' org, or else the running dev-mode bridge's dev org.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { CHAT_EVENT_API_NAME, CHAT_EVENT_FIELDS, CHAT_EVENT_TYPES } from '../events/contract.js';
import { cliLogin } from './cli-login.js';

const USAGE = `usage: npm run publish-event -- --type <${CHAT_EVENT_TYPES.join('|')}> [--record <id>] [--user <id>]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { type: { type: 'string' }, record: { type: 'string' }, user: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || !values.type) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const session = await cliLogin(loadConfig());
  const fields = {
    [CHAT_EVENT_FIELDS.type]: values.type,
    [CHAT_EVENT_FIELDS.recordId]: values.record ?? session.userId,
    [CHAT_EVENT_FIELDS.userId]: values.user ?? session.userId,
  };
  const result = await session.connection.sobject(CHAT_EVENT_API_NAME).create(fields);
  process.stdout.write(`published ${CHAT_EVENT_API_NAME} to ${session.instanceUrl}: ${JSON.stringify({ ...fields, result })}\n`);
}

main().catch((err) => {
  process.stderr.write(`publish-event: ${(err as Error).message}\n`);
  process.exit(1);
});

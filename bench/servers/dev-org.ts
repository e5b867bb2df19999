/**
 * The Salesforce side of the bridge's run: the embedded dev org in a process of its own, so the
 * bridge logs in to it and long-polls its CometD endpoint over HTTP exactly as it would a real org,
 * and the org's own work is charged neither to the bridge nor to the client. Announces its URL and an
 * access token (what `sf org display` gives: the bridge's SF_INSTANCE_URL + SF_ACCESS_TOKEN) and its
 * default room, then publishes `MESSAGE_CREATED` events of that room (`Room_Id__c`, as a message
 * posted in the chat gets) through the org's publish path when the client asks.
 */
import { CHAT_EVENT_FIELDS } from '../../bridge/events/contract.js';
import { startDevOrg } from '../../dev/org/index.js';
import { announceReady, servePublishRequests } from './ipc.js';

const devOrg = await startDevOrg();
const roomId = devOrg.data.defaultRoomId();
servePublishRequests(() =>
  devOrg.publishEvent({
    [CHAT_EVENT_FIELDS.type]: 'MESSAGE_CREATED',
    [CHAT_EVENT_FIELDS.recordId]: 'a00000000000001AAA',
    [CHAT_EVENT_FIELDS.userId]: devOrg.credentials.userId,
    [CHAT_EVENT_FIELDS.roomId]: roomId,
  }),
);
announceReady({ ready: 'dev-org', url: devOrg.url, accessToken: devOrg.issueAccessToken(), orgId: devOrg.orgId, roomId });

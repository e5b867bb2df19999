/**
 * The Salesforce side of the bridge's run: the embedded dev org in a process of its own, so the
 * bridge logs in to it and long-polls its CometD endpoint over HTTP exactly as it would a real org,
 * and the org's own work is charged neither to the bridge nor to the client. Announces its URL and an
 * access token (what `sf org display` gives: the bridge's SF_INSTANCE_URL + SF_ACCESS_TOKEN), then
 * publishes `MESSAGE_CREATED` events through the org's publish path when the client asks.
 */
import { startDevOrg } from '../../dev/org/index.js';
import { announceReady, servePublishRequests } from './ipc.js';

const devOrg = await startDevOrg();
servePublishRequests(() =>
  devOrg.publishEvent({ Type__c: 'MESSAGE_CREATED', Record_Id__c: 'a00000000000001AAA', User_Id__c: devOrg.credentials.userId }),
);
announceReady({ ready: 'dev-org', url: devOrg.url, accessToken: devOrg.issueAccessToken(), orgId: devOrg.orgId });

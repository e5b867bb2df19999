// `npm run publish-event` against a running dev-mode bridge: it refuses, before publishing, every
// field value the bridge would drop as malformed, naming the flag; what it publishes, the bridge forwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISH_EVENT, runCli, startDevBridge, stop, type RunningProcess } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait-for.js';

let bridge: RunningProcess & { url: string };
beforeAll(async () => {
  bridge = await startDevBridge();
});
const metrics = async (): Promise<string> => (await fetch(`${bridge.url}/metrics`)).text();
afterAll(async () => {
  if (bridge) await stop(bridge);
});

describe('publish-event: field values', () => {
  it.each([
    ['--record', ['--type', 'MESSAGE_DELETED', '--record', '001xx']],
    ['--user', ['--type', 'MESSAGE_CREATED', '--user', 'bob']],
    ['--record', ['--type', 'USER_ENTERED', '--record', '005000000000001AAB']], // 18 characters, wrong checksum
    ['--room', ['--type', 'MESSAGE_CREATED', '--room', 'general']],
  ])('refuses %s that is not a Salesforce id with exit 2, before publishing anything', async (flag, args) => {
    const value = args[args.length - 1];
    const { code, output } = await runCli(PUBLISH_EVENT, args, bridge.cwd);
    expect(code, output).toBe(2);
    expect(output).toContain(`${flag} ${value} is not a Salesforce id`);
    expect(output).not.toMatch(/published/);
  });

  it('publishes valid ids, which the bridge forwards rather than drops', async () => {
    const { code, output } = await runCli(PUBLISH_EVENT, ['--type', 'MESSAGE_DELETED', '--record', 'a01000000000001'], bridge.cwd);
    expect(code, output).toBe(0);
    expect(output).toMatch(/published Chat_Event__e .*"success":true/);
    await waitFor(async () => /sfcb_events_forwarded_total\{type="MESSAGE_DELETED"\} 1/.test(await metrics()), 'the event forwarded');
    expect(await metrics(), 'no event the CLI published was dropped').not.toMatch(/sfcb_events_rejected_total\{reason="malformed"\} [1-9]/);
  });

  it('publishes --room as Room_Id__c, which the bridge forwards to that room', async () => {
    const room = 'a03000000000001';
    const { code, output } = await runCli(PUBLISH_EVENT, ['--type', 'MESSAGE_UNDELETED', '--room', room], bridge.cwd);
    expect(code, output).toBe(0);
    expect(output).toContain(`"Room_Id__c":"${room}"`);
    await waitFor(async () => /sfcb_events_forwarded_total\{type="MESSAGE_UNDELETED"\} 1/.test(await metrics()), 'the event forwarded');
    expect(await metrics(), 'not dropped').not.toMatch(/sfcb_events_rejected_total\{reason="malformed"\} [1-9]/);
  });
});

describe('publish-event: the command line', () => {
  it.each([
    ['no --type', [], /--type is required/],
    ['a flag without its value', ['--type', 'MESSAGE_CREATED', '--room'], /--room/],
    ['an unknown flag', ['--type', 'MESSAGE_CREATED', '--rooms', 'a03000000000001'], /--rooms/],
  ])('refuses %s with exit 2, saying why', async (_what, args, reason) => {
    const { code, output } = await runCli(PUBLISH_EVENT, args, bridge.cwd);
    expect(code, output).toBe(2);
    expect(output).toMatch(reason);
    expect(output).toContain('usage: npm run publish-event');
    expect(output).not.toMatch(/published/);
  });
});

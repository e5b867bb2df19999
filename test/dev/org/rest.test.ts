/**
 * Publishing Chat_Event__e over REST, as the bridge's tools and Apex-less tests do, and each error
 * a real org answers: unknown field, missing required field, bad session, unknown resource, size.
 */
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishRejectedError, startDevOrg, type DevOrg } from '../../../dev/org/index.js';

let org: DevOrg;

beforeAll(async () => {
  org = await startDevOrg();
});

afterAll(async () => {
  await org.close();
});

async function publish(body: unknown, options: { token?: string; scheme?: string; version?: string; sobject?: string } = {}) {
  const token = options.token ?? org.issueAccessToken();
  const url = `${org.url}/services/data/v${options.version ?? '62.0'}/sobjects/${options.sobject ?? 'Chat_Event__e'}/`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `${options.scheme ?? 'Bearer'} ${token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('publish Chat_Event__e', () => {
  it('answers 201 with an e00 id through jsforce', async () => {
    const conn = new jsforce.Connection({ instanceUrl: org.url, accessToken: org.issueAccessToken(), version: '62.0' });

    const result = await conn.sobject('Chat_Event__e').create({ Type__c: 'MESSAGE_CREATED', Record_Id__c: 'a00xx0000000001AAA' });

    expect(result).toEqual({ id: expect.stringMatching(/^e00[0-9A-Za-z]{15}$/), success: true, errors: [] });
  });

  it('accepts Bearer and OAuth tokens, any served version, and field names in any case', async () => {
    const bearer = await publish({ Type__c: 'USER_ENTERED' });
    const oauth = await publish({ type__c: 'USER_LEFT' }, { scheme: 'OAuth', version: '37.0' });

    expect(bearer.status).toBe(201);
    expect(oauth).toEqual({ status: 201, body: { id: expect.any(String), success: true, errors: [] } });
  });

  it('refuses an unknown field with INVALID_FIELD', async () => {
    const { status, body } = await publish({ Type__c: 'MESSAGE_CREATED', Body__c: 'hello' });

    expect(status).toBe(400);
    expect(body).toEqual([{ errorCode: 'INVALID_FIELD', message: "No such column 'Body__c' on sobject of type Chat_Event__e" }]);
  });

  it('refuses a missing or empty Type__c with REQUIRED_FIELD_MISSING', async () => {
    const missing = await publish({ Record_Id__c: 'a00xx0000000001AAA' });
    const empty = await publish({ Type__c: '' });

    const expected = [{ errorCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Type__c]', fields: ['Type__c'] }];
    expect(missing).toEqual({ status: 400, body: expected });
    expect(empty).toEqual({ status: 400, body: expected });
  });

  it('refuses values longer than the field, standard fields and non-text values', async () => {
    const long = await publish({ Type__c: 'MESSAGE_CREATED', Record_Id__c: 'a00xx0000000001AAAB' });
    const system = await publish({ Type__c: 'MESSAGE_CREATED', CreatedById: '005xx0000000001AAA' });
    const object = await publish({ Type__c: { value: 'MESSAGE_CREATED' } });

    expect(long.body).toEqual([
      {
        errorCode: 'STRING_TOO_LONG',
        message: 'Record Id: data value too large: a00xx0000000001AAAB (max length=18)',
        fields: ['Record_Id__c'],
      },
    ]);
    expect(system.body).toMatchObject([{ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['CreatedById'] }]);
    expect(object).toMatchObject({ status: 400, body: [{ errorCode: 'JSON_PARSER_ERROR' }] });
  });

  it('refuses a bad or expired token with 401 INVALID_SESSION_ID', async () => {
    const old = org.issueAccessToken();
    const bad = await publish({ Type__c: 'USER_ENTERED' }, { token: 'nope' });

    org.faults.expireSessions();
    const expired = await publish({ Type__c: 'USER_ENTERED' }, { token: old });
    const fresh = await publish({ Type__c: 'USER_ENTERED' });

    const expected = { status: 401, body: [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }] };
    expect(bad).toEqual(expected);
    expect(expired).toEqual(expected);
    expect(fresh.status).toBe(201);
  });

  it('answers NOT_FOUND for another sObject or an unserved version', async () => {
    const sobject = await publish({ Type__c: 'USER_ENTERED' }, { sobject: 'Other_Event__e' });
    const version = await publish({ Type__c: 'USER_ENTERED' }, { version: '36.0' });

    const expected = { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
    expect(sobject).toEqual(expected);
    expect(version).toEqual(expected);
  });

  it('answers malformed JSON with JSON_PARSER_ERROR and bodies over 32,768 bytes with 413', async () => {
    const malformed = await publish('{"Type__c":');
    const large = await publish({ Type__c: 'USER_ENTERED', Record_Id__c: 'x'.repeat(40_000) });

    expect(malformed).toMatchObject({ status: 400, body: [{ errorCode: 'JSON_PARSER_ERROR' }] });
    expect(large.status).toBe(413);
  });

  it('refuses a CometD body over 32,768 bytes with 413, even when chunked', async () => {
    const big = JSON.stringify([{ channel: '/meta/handshake', pad: 'x'.repeat(40_000) }]);
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });

    const declared = await fetch(`${org.url}/cometd/62.0`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: big });
    const streamed = await fetch(`${org.url}/cometd/62.0`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: chunked,
      duplex: 'half',
    } as RequestInit);

    expect(declared.status).toBe(413);
    expect(streamed.status).toBe(413);
  });

  it('checks publishEvent exactly as REST does', async () => {
    const rejected = await org.publishEvent({ Type__c: 'MESSAGE_CREATED', Body__c: 'x' }).catch((err: unknown) => err);

    expect(rejected).toBeInstanceOf(PublishRejectedError);
    expect((rejected as PublishRejectedError).errors).toEqual([
      { errorCode: 'INVALID_FIELD', message: "No such column 'Body__c' on sobject of type Chat_Event__e" },
    ]);
  });
});

describe('versions and resources', () => {
  it('lists every version from 37.0 to the served one', async () => {
    const versions = (await (await fetch(`${org.url}/services/data/`)).json()) as Array<{ version: string; url: string; label: string }>;

    expect(versions[0]).toEqual({ label: "Summer '16", url: '/services/data/v37.0', version: '37.0' });
    expect(versions.at(-1)).toEqual({ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' });
  });

  it('names the identity URL among the resources of a version', async () => {
    const response = await fetch(`${org.url}/services/data/v62.0/`, { headers: { Authorization: `Bearer ${org.issueAccessToken()}` } });

    expect(await response.json()).toMatchObject({ identity: `${org.url}/id/${org.orgId}/${org.credentials.userId}` });
  });
});

/**
 * The dev org as an integration sees it over HTTP, for the browser tests: its sample users, a
 * session per user (`/dev/sessions`, what the preview page uses too) and record inserts through the
 * REST API, which run the dev org's trigger behaviour like any other write.
 */

/** A sample user of the dev org (`GET /dev/users`). */
export interface SampleUser {
  id: string;
  name: string;
  firstName: string;
  photoUrl: string;
  chatActive: boolean;
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** The sample users. */
export async function sampleUsers(devOrgUrl: string): Promise<SampleUser[]> {
  return json<SampleUser[]>(await fetch(`${devOrgUrl}/dev/users`), 'GET /dev/users');
}

/** The sample user with this first name. @throws Error listing the users when there is none. */
export async function sampleUser(devOrgUrl: string, firstName: string): Promise<SampleUser> {
  const users = await sampleUsers(devOrgUrl);
  const user = users.find((u) => u.firstName === firstName);
  if (!user) throw new Error(`the dev org has no sample user ${firstName} (it has ${users.map((u) => u.firstName).join(', ')})`);
  return user;
}

/**
 * Inserts a Chat_Message__c as `userId` through the REST API (`POST /services/data/vXX.X/sobjects/Chat_Message__c/`).
 * @returns the new record id.
 */
export async function insertMessageViaRest(devOrgUrl: string, apiVersion: string, userId: string, content: string): Promise<string> {
  const session = await json<{ accessToken: string }>(
    await fetch(`${devOrgUrl}/dev/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId }),
    }),
    'POST /dev/sessions',
  );
  const created = await json<{ id: string; success: boolean }>(
    await fetch(`${devOrgUrl}/services/data/v${apiVersion}/sobjects/Chat_Message__c/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session.accessToken}` },
      body: JSON.stringify({ Content__c: content }),
    }),
    'REST insert of Chat_Message__c',
  );
  return created.id;
}

/**
 * What a fresh dev org holds, so the chat has people and a conversation from the first look: five
 * sample users (Ana, Ben, Chen, Dana — Ana and Ben already in the room — and Maya, the admin who
 * also holds Chat_Auditor and so may open the chat audit), each with the Chat_User permission set, the integration user the
 * bridge logs in as, and a short history from the last hour in the default public room "General".
 * Rooms (contract 2.3.0): "General" (public, default), "Deal Desk" (private: Ana and Ben), and the
 * record room of the sample Account "Acme Corp" (readable by Ana, Ben and Chen, not Dana or Maya;
 * Ana and Ben are members). Loaded straight into the tables, as
 * data present before anyone subscribed: seeding publishes no `Chat_Event__e`. Ids are generated
 * per org; find a user by `FirstName`.
 */
import type { IntegrationUser } from './identity.js';
import { KEY_PREFIX, newRecordId } from './ids.js';
import { photoPath } from './photos.js';
import { auditTimestamp, type ChatRoomType, type OrgRecords, type SampleUser } from './records.js';
import { defaultRoomId, memberKey } from './rooms.js';

/** The sample people: first and last name, whether they start in the chat room, their permission sets. */
export const SAMPLE_PEOPLE = [
  { firstName: 'Ana', lastName: 'Alvarez', chatActive: true, permissionSets: ['Chat_User'] },
  { firstName: 'Ben', lastName: 'Okafor', chatActive: true, permissionSets: ['Chat_User'] },
  { firstName: 'Chen', lastName: 'Wei', chatActive: false, permissionSets: ['Chat_User'] },
  { firstName: 'Dana', lastName: 'Smith', chatActive: false, permissionSets: ['Chat_User'] },
  { firstName: 'Maya', lastName: 'Patel', chatActive: false, permissionSets: ['Chat_User', 'Chat_Auditor'] },
] as const;

/** Names of the sample rooms besides the default one, and of the sample record a record room is about. */
export const SAMPLE_ROOMS = { private: 'Deal Desk', recordName: 'Acme Corp' } as const;

/** The sample history: who said what, how many minutes ago. */
const HISTORY: ReadonlyArray<{ author: string; minutesAgo: number; content: string }> = [
  { author: 'Ana', minutesAgo: 55, content: 'Morning! Is the pipeline review still at ten?' },
  { author: 'Ben', minutesAgo: 48, content: 'Yes, room 4. I will bring the updated forecast.' },
  { author: 'Chen', minutesAgo: 31, content: 'Running five minutes late.\nStart without me.' },
  { author: 'Dana', minutesAgo: 17, content: 'Slides are in the shared folder.' },
  { author: 'Ana', minutesAgo: 4, content: 'Thanks, Dana. Great session, everyone!' },
];

/**
 * Adds the sample users, the integration user and the sample history to `records`.
 * @param orgUrl - the dev org's URL, for photo URLs.
 * @param integrationUser - the user every login flow logs in as (listed last, not in the room).
 */
export function seedRecords(records: OrgRecords, orgUrl: string, integrationUser: IntegrationUser, now: number = Date.now()): void {
  const domain = integrationUser.username.split('@')[1] ?? 'dev-org.invalid';
  const user = (id: string, firstName: string, lastName: string, username: string, chatActive: boolean): SampleUser => ({
    Id: id,
    Name: `${firstName} ${lastName}`,
    FirstName: firstName,
    LastName: lastName,
    Username: username,
    SmallPhotoUrl: `${orgUrl}${photoPath(id)}`,
    Chat_Active__c: chatActive,
    IsActive: true,
  });
  const byFirstName = new Map<string, SampleUser>();
  for (const person of SAMPLE_PEOPLE) {
    const username = `${person.firstName}.${person.lastName}@${domain}`.toLowerCase();
    const sample = user(newRecordId(KEY_PREFIX.user), person.firstName, person.lastName, username, person.chatActive);
    byFirstName.set(person.firstName, sample);
    records.putUser(sample);
    for (const permissionSet of person.permissionSets) records.assignPermissionSet(sample.Id, permissionSet);
  }
  const [first, ...rest] = integrationUser.name.split(' ');
  records.putUser(user(integrationUser.id, first ?? 'Integration', rest.join(' ') || 'User', integrationUser.username, false));
  records.assignPermissionSet(integrationUser.id, 'Chat_Bridge_Integration');
  records.grantModifyAllData(integrationUser.id);

  const general = defaultRoomId(records, integrationUser.id);
  const id = (firstName: string) => byFirstName.get(firstName)!.Id;
  const room = (name: string, type: ChatRoomType, recordId: string | null, owner: string) => {
    const created = { Id: records.newRoomId(), Name: name, Type__c: type, Record_Id__c: recordId, Is_Default__c: false, OwnerId: owner, CreatedDate: auditTimestamp(now) };
    records.putRoom(created);
    return created.Id;
  };
  const member = (roomId: string, userId: string, present: boolean) =>
    records.putMember({ Id: records.newMemberId(), Room__c: roomId, User__c: userId, Present__c: present, Last_Read_At__c: null, Member_Key__c: memberKey(roomId, userId) });
  const dealDesk = room(SAMPLE_ROOMS.private, 'Private', null, id('Ana'));
  member(dealDesk, id('Ana'), false);
  member(dealDesk, id('Ben'), false);
  const acme = { Id: newRecordId(KEY_PREFIX.account), Name: SAMPLE_ROOMS.recordName, readers: ['Ana', 'Ben', 'Chen'].map(id) };
  records.putSampleRecord(acme);
  const acmeRoom = room(`Account: ${acme.Name}`, 'Record', acme.Id, id('Ana'));
  member(acmeRoom, id('Ana'), false);
  member(acmeRoom, id('Ben'), false);

  for (const line of HISTORY) {
    const authorId = byFirstName.get(line.author)!.Id;
    const at = auditTimestamp(now - line.minutesAgo * 60_000);
    records.putMessage({
      ...records.newMessageKeys(),
      Content__c: line.content,
      User__c: authorId,
      Room__c: general,
      CreatedById: authorId,
      CreatedDate: at,
      LastModifiedById: authorId,
      LastModifiedDate: at,
      IsDeleted: false,
    });
  }
}

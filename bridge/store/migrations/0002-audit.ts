/**
 * The admin audit (contract 2.2.0): each logged event keeps where it came from — the `System.Quiddity`
 * name of the saving transaction (`Source__c`), its request id (`Request_Id__c`, Event Monitoring's
 * `REQUEST_ID`) and, for `MESSAGE_UPDATED`, the chat fields it changed — and the audit's filters get
 * indexes. Rows logged before this migration keep NULL / empty provenance (their events carried none).
 *
 * The audit lists newest first by (received_at, seq) — rejected messages by (received_at, id) — in
 * keyset pages: with these indexes PostgreSQL walks one index range per page (an equality filter
 * first, then the order key) instead of sorting the table for every page.
 */
import type { Migration } from './index.js';

export const audit: Migration = {
  name: '0002-audit',
  up: [
    `ALTER TABLE event_log
       ADD COLUMN source text,
       ADD COLUMN request_id text,
       ADD COLUMN changed_fields text[] NOT NULL DEFAULT '{}'`,
    // These replace 0001's single-column received_at indexes (which retention also finds here).
    `CREATE INDEX event_log_received_seq ON event_log (received_at, seq)`,
    `DROP INDEX event_log_received_at`,
    `CREATE INDEX rejected_event_received_id ON rejected_event (received_at, id)`,
    `DROP INDEX rejected_event_received_at`,
    `CREATE INDEX event_log_type_received ON event_log (type, received_at, seq)`,
    `CREATE INDEX event_log_user_received ON event_log (user_id, received_at, seq)`,
    `CREATE INDEX event_log_record_received ON event_log (record_id, received_at, seq)`,
    `CREATE INDEX event_log_created_by_received ON event_log (created_by_id, received_at, seq)`,
    `CREATE INDEX event_log_source_received ON event_log (source, received_at, seq)`,
    `CREATE INDEX event_log_request_id ON event_log (request_id)`,
  ],
};

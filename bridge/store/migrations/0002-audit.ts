/**
 * The admin audit (contract 2.2.0): each logged event keeps where it came from — the `System.Quiddity`
 * name of the saving transaction (`Source__c`), its request id (`Request_Id__c`, Event Monitoring's
 * `REQUEST_ID`) and, for `MESSAGE_UPDATED`, the chat fields it changed — and the audit's filters get
 * indexes. Rows logged before this migration keep NULL / empty provenance (their events carried none).
 *
 * Every filter index ends with `seq`: the audit lists newest first by (received_at, seq), and an
 * equality filter plus the order key lets PostgreSQL walk one index range per page instead of
 * sorting the table.
 */
import type { Migration } from './index.js';

export const audit: Migration = {
  name: '0002-audit',
  up: [
    `ALTER TABLE event_log
       ADD COLUMN source text,
       ADD COLUMN request_id text,
       ADD COLUMN changed_fields text[] NOT NULL DEFAULT '{}'`,
    `CREATE INDEX event_log_type_received ON event_log (type, received_at, seq)`,
    `CREATE INDEX event_log_user_received ON event_log (user_id, received_at, seq)`,
    `CREATE INDEX event_log_record_received ON event_log (record_id, received_at, seq)`,
    `CREATE INDEX event_log_created_by_received ON event_log (created_by_id, received_at, seq)`,
    `CREATE INDEX event_log_source_received ON event_log (source, received_at, seq)`,
    `CREATE INDEX event_log_request_id ON event_log (request_id)`,
  ],
};

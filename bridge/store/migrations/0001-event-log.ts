/**
 * The first schema: the replay position, the event log and its identity, rejected events, upstream
 * incidents. Written as TypeScript holding SQL (not `.sql` files) so `npm run build` emits it into
 * `dist/` with the code that runs it — there is no copy step to forget.
 */
import type { Migration } from './index.js';

export const eventLog: Migration = {
  name: '0001-event-log',
  up: [
    // One row: what identifies this log. A client's position from another log (a reset or replaced
    // database) names another epoch. pruned_through_seq: every seq ≤ it may be gone (retention).
    `CREATE TABLE log_identity (
       singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
       epoch uuid NOT NULL DEFAULT gen_random_uuid(),
       created_at timestamptz NOT NULL DEFAULT now(),
       pruned_through_seq bigint NOT NULL DEFAULT 0
     )`,
    `INSERT INTO log_identity DEFAULT VALUES`,

    // The last processed replay id per org and channel: another org (a new dev org, a sandbox
    // refresh) has no row and starts from -1, never from a foreign org's id.
    `CREATE TABLE replay_position (
       org_id text NOT NULL,
       channel text NOT NULL,
       replay_id bigint NOT NULL,
       updated_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (org_id, channel)
     )`,

    // One row per event received and forwarded. seq orders the log for every bridge sharing the
    // database; it has gaps (a duplicate's insert consumes a value), so never count on contiguity.
    `CREATE TABLE event_log (
       seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       event_uuid text NOT NULL UNIQUE,
       org_id text NOT NULL,
       channel text NOT NULL,
       replay_id bigint NOT NULL,
       type text NOT NULL,
       record_id text NOT NULL,
       user_id text NOT NULL,
       created_by_id text NOT NULL,
       created_date timestamptz NOT NULL,
       received_at timestamptz NOT NULL,
       forwarded_at timestamptz,
       sockets_reached integer
     )`,
    `CREATE INDEX event_log_received_at ON event_log (received_at)`,

    // Messages not forwarded (malformed, unknown type), with why. A message without an identity
    // has no uuid or replay id; uuids that are present are unique (a redelivery is logged once).
    `CREATE TABLE rejected_event (
       id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       event_uuid text UNIQUE,
       org_id text NOT NULL,
       channel text NOT NULL,
       replay_id bigint,
       reason text NOT NULL,
       detail text NOT NULL,
       message jsonb,
       received_at timestamptz NOT NULL
     )`,
    `CREATE INDEX rejected_event_received_at ON rejected_event (received_at)`,

    // What happened upstream: subscriptions lost and why, failed logins, resyncs, store outages.
    `CREATE TABLE upstream_incident (
       id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       at timestamptz NOT NULL DEFAULT now(),
       kind text NOT NULL,
       cause text NOT NULL,
       detail text
     )`,
    `CREATE INDEX upstream_incident_at ON upstream_incident (at)`,
  ],
};

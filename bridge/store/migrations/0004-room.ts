/**
 * Chat rooms (contract 2.3.0): each logged event keeps its `Room_Id__c`, so a catch-up or a cluster
 * node's feed sends a room's events only to that room's sockets, and the admin audit filters by room.
 * NULL for room-less events (org-wide presence) and for every row logged before this migration.
 *
 * The index serves the admin audit's `room` filter (an equality, then the page order) and a room's
 * events in log order.
 */
import type { Migration } from './index.js';

export const room: Migration = {
  name: '0004-room',
  up: [`ALTER TABLE event_log ADD COLUMN room_id text`, `CREATE INDEX event_log_room_seq ON event_log (room_id, seq)`],
};

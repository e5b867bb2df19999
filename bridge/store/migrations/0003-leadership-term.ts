/**
 * The cluster's leadership term: the fencing token of the leader lease (bridge/cluster/). A lease
 * in Redis alone is not safe — a leader paused past its lease wakes up believing it still leads —
 * so the term lives beside what it protects: taking the lease bumps it here, and every write that
 * moves the cluster forward (an event-log row and the replay position it advances) checks it in
 * the same statement. Only grows; one row.
 */
import type { Migration } from './index.js';

export const leadershipTerm: Migration = {
  name: '0003-leadership-term',
  up: [
    `CREATE TABLE cluster_leader (
       singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
       term bigint NOT NULL DEFAULT 0 CHECK (term >= 0),
       node text,
       since timestamptz
     )`,
    `INSERT INTO cluster_leader DEFAULT VALUES`,
  ],
};

/**
 * Every migration of the store's schema, in the order they run. A new schema change is a new file
 * here, appended to {@link MIGRATIONS}; a migration that has run is never edited (umzug remembers
 * applied migrations by name, in the database itself).
 */
import { eventLog } from './0001-event-log.js';
import { audit } from './0002-audit.js';
import { leadershipTerm } from './0003-leadership-term.js';
import { room } from './0004-room.js';

/** One schema change: statements run in order, in the one transaction of {@link migrate}. */
export interface Migration {
  /** Unique and sortable, e.g. `0002-rooms`; recorded in `store_migrations`. */
  name: string;
  /** SQL statements, one per entry (PGlite runs one statement per parameterised query). */
  up: string[];
}

export const MIGRATIONS: readonly Migration[] = [eventLog, audit, leadershipTerm, room];

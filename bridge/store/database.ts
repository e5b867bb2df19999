/**
 * The one seam between the bridge's store and a database: run a statement, run a transaction, close.
 * Two implementations speak the same PostgreSQL dialect — a real server through `pg`
 * (postgres-database.ts, `DATABASE_URL`) and PostgreSQL compiled to WebAssembly in this process
 * (pglite-database.ts, the embedded default) — so the schema, the migrations and every query of
 * event-store.ts are written once and serve both.
 *
 * Both implementations return `bigint`/`int8` columns as JS numbers (sequence numbers and replay ids
 * stay far below 2^53) and `timestamptz` as `Date`, so callers never see a driver's own types.
 */

/** Something that runs one parameterised statement: the database itself, or one open transaction. */
export interface Queryable {
  /**
   * Runs one SQL statement with `$1…$n` parameters.
   * @returns the result rows (empty for statements without `RETURNING`).
   * @throws the driver's error (connection refused or lost, constraint violation, timeout).
   */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** A PostgreSQL database the store runs on. */
export interface Database extends Queryable {
  /** Which implementation, for logs and `/readyz`. */
  readonly kind: 'postgres' | 'pglite';
  /**
   * Runs `work` inside `BEGIN … COMMIT` on one connection; rolls back and rethrows when it throws.
   * On PGlite (one connection) nothing else runs on the database until the transaction ends.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Closes the connections (pg) or the embedded instance (PGlite, which also releases its directory). */
  close(): Promise<void>;
}

/** PostgreSQL's type oid of `int8`/`bigint`. */
export const INT8_OID = 20;

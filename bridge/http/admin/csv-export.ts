/**
 * The audit's CSV export: every row the filters select, streamed. An export may cover the whole
 * retained log (a million rows), so it never holds more than one page: pages are read from the
 * database one after the other by keyset cursor, turned into RFC 4180 records by csv-stringify
 * (header row, CRLF, quoted where needed), and the next page is read only when the response has
 * taken the previous one (stream back-pressure). Memory stays flat whatever the row count.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { CHANGED_FIELDS_SEPARATOR } from '../../events/contract.js';
import type { AuditEvent, AuditEventFilter, AuditEventPosition, AuditLog, Page } from '../../store/audit-log.js';

/** Rows read from the database per page of the export. */
export const EXPORT_PAGE_ROWS = 1_000;

/** The CSV's columns, in order: every field of {@link AuditEvent}, named as the JSON API names them. */
export const CSV_COLUMNS = [
  'seq',
  'eventUuid',
  'replayId',
  'type',
  'recordId',
  'userId',
  'createdById',
  'createdDate',
  'receivedAt',
  'forwardedAt',
  'socketsReached',
  'source',
  'requestId',
  'changedFields',
  'rejected',
  'roomId',
] as const satisfies readonly (keyof AuditEvent)[];

/** One CSV record: nulls empty, `changedFields` comma-separated as in `Changed_Fields__c`. */
function record(event: AuditEvent): (string | number | null)[] {
  return CSV_COLUMNS.map((column) => (column === 'changedFields' ? event.changedFields.join(CHANGED_FIELDS_SEPARATOR) : event[column]));
}

/**
 * Streams the export into `out`, starting from an already read first page (so a database that does
 * not answer can still be reported before anything is sent).
 * @returns when the last record is written; rejects (and destroys `out`) when a later page cannot be
 *   read or the client goes away.
 */
export async function streamEventsCsv(log: AuditLog, filter: AuditEventFilter, first: Page<AuditEvent, AuditEventPosition>, out: Writable): Promise<void> {
  async function* rows(): AsyncGenerator<(string | number | null)[]> {
    let page = first;
    for (;;) {
      for (const event of page.rows) yield record(event);
      if (page.next === null) return;
      page = await log.events(filter, EXPORT_PAGE_ROWS, page.next);
    }
  }
  await pipeline(Readable.from(rows()), stringify({ header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows' }), out);
}

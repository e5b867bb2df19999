/**
 * A bound for waits that have none of their own. Some never end by themselves: Node's recursive
 * `mkdir` loops forever under /proc (`REPLAY_STORE=/proc/x/replay.json`), a black-holed login request
 * never answers. Start-up steps race their work against a deadline, so the process fails with a
 * message naming what hung instead of hanging silently.
 */

/** A wait outlived its deadline; `message` reads `<what> did not answer within <duration>`. */
export class DeadlineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/**
 * Settles as `work` does, unless `ms` pass first. The work itself is not cancelled (Node cannot abort
 * a pending filesystem call); it is only no longer awaited.
 * @param ms - the deadline, ms.
 * @param what - what is waited on, e.g. `REPLAY_STORE: /proc/x/replay.json`.
 * @throws DeadlineError `<what> did not answer within 5 s` (or `… 200 ms`) when the deadline passes first.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what} did not answer within ${duration(ms)}`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function duration(ms: number): string {
  return ms % 1_000 === 0 ? `${ms / 1_000} s` : `${ms} ms`;
}

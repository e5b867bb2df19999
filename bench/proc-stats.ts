/**
 * CPU time and resident memory of another process, read from Linux's /proc.
 *
 * Why this exists: the benchmark charges each server only for the CPU its own process spent, not for
 * the wall time its clients took to read, so a slow client process cannot make a server look slow.
 * /proc works for any process, including the production bridge, which has no IPC channel to report
 * `process.cpuUsage()` itself.
 */
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second for utime/stime (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * User + system CPU time `pid` has used so far, µs (10 ms resolution).
 * @throws Error when the process does not exist.
 */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may hold spaces): utime is the 14th field of
  // the line, stime the 15th, i.e. the 12th and 13th after ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Resident set size of `pid` now, bytes (`VmRSS`).
 * @throws Error when the process does not exist.
 */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/**
 * Whether a process still runs, for the lock and session files that name their writer's pid (the
 * embedded database's directory lock; in dev mode the preview build lock and the CLI's session
 * entries): a file whose process is gone was left by a crash or `kill -9` and may be taken over.
 */

/**
 * @param pid - the process id a lock or session file names.
 * @returns true while a process runs as `pid` (signal 0 only checks; `EPERM` means it runs as
 *   another user), false once it is gone.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

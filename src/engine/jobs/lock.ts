// Engine (jobs): a lock file that keeps two processes from running the same job on one library (e.g. CLI + app importing).
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

export class LockedError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(`another Facelens process (pid ${pid}) is already running this job on the library (lock ${path})`);
    this.name = 'LockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Takes the lock at `path` (created with O_EXCL, holding our pid) and returns its release function. A lock left by a
 * process that no longer runs (killed, crashed) is taken over; a live owner makes this throw LockedError.
 */
export function acquireLock(path: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let pid = NaN;
      try {
        pid = Number(readFileSync(path, 'utf8').trim());
      } catch {
        continue; // released meanwhile
      }
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new LockedError(path, pid);
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`could not take the lock ${path}`);
}

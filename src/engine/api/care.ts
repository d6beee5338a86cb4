// Engine (api): looking after a library — doctor (check and repair), backups of what the user said (export, restore).
import { ApiError } from '../../shared/result.js';
import { exportBackup, type ExportSummary } from '../backup/export.js';
import { BackupFormatError, readBackup, restoreBackup, type RestoreSummary } from '../backup/restore.js';
import { runDoctor, type DoctorReport } from '../doctor/doctor.js';
import type { Core } from './core.js';

export class CareService {
  constructor(private readonly c: Core) {}

  /** Checks the library (and repairs what it can with `repair`), after any queued work that changes it. */
  doctor(o: { repair?: boolean } = {}): Promise<DoctorReport> {
    return this.c.serial(async () => {
      const report = await runDoctor(this.c.db, this.c.dbPath, { repair: o.repair ?? false });
      if (o.repair) {
        this.c.resetIndex(); // a repair may have rebuilt the index file: read it again
        this.c.emit('library.changed', { reason: 'repaired' });
        this.c.emit('people.changed', { reason: 'repaired' });
      }
      return report;
    });
  }

  /** Writes a backup of people, names, corrections, hand-drawn faces and heads (atomically). */
  exportBackup(path: string): ExportSummary {
    return exportBackup(this.c.db, path);
  }

  /** Applies a backup (matched by photo content and box); one undoable step for its people part. */
  importBackup(path: string, o: { activate?: boolean } = {}): Promise<RestoreSummary> {
    let backup;
    try {
      backup = readBackup(path);
    } catch (err) {
      if (err instanceof BackupFormatError) throw new ApiError('invalid-args', err.message);
      throw err;
    }
    return this.c.serial(() => {
      const s = restoreBackup(this.c.db, backup, { dbPath: this.c.dbPath, activate: o.activate ?? true });
      this.c.resetIndex();
      this.c.emit('library.changed', { reason: 'restore' });
      this.c.emit('people.changed', { reason: 'restore' });
      return s;
    });
  }
}

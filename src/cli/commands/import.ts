// CLI (terminal door): `facelens import <folder...> [--db PATH] [--json]`: import photo folders with live progress.
import { existsSync } from 'node:fs';
import { CliError, dbPathOf, parse } from '../args.js';
import { Engine, FolderNotFoundError, ImportRunningError } from '../../engine/engine.js';
import { LockedError } from '../../engine/jobs/lock.js';
import type { JobProgress } from '../../engine/jobs/progress.js';
import type { ImportSummary } from '../../engine/library/import.js';
import { FolderRefusedError } from '../../engine/library/walk.js';

const HELP = `usage: facelens import <folder...> [--db PATH] [--json]
  Finds the faces in the photos under each folder (recursively) and adds them to the library.
  Re-running it imports only what changed; Ctrl-C stops after the current photo and a later run resumes.`;

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '--';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressLine(p: JobProgress): string {
  switch (p.status) {
    case 'scanning':
      return `scanning: ${p.found} photos found${p.failed ? `, ${p.failed} problems` : ''}`;
    case 'running':
      return `importing: ${p.done}/${p.total}  ${p.rate.toFixed(1)} photos/s  ETA ${formatDuration(p.etaMs)}${p.failed ? `  ${p.failed} failed` : ''}`;
    case 'complete':
      return `done: ${p.done}/${p.total} in ${formatDuration(p.elapsedMs)}`;
    case 'cancelled':
      return `stopped at ${p.done}/${p.total}: run the same command again to resume`;
    case 'failed':
      return `failed: ${p.error}`;
  }
}

export function summaryText(s: ImportSummary): string {
  const lines = [
    `${s.status === 'complete' ? 'Import complete' : 'Import stopped (resume by running it again)'} in ${formatDuration(s.elapsedMs)}`,
    `  photos added:     ${s.added}`,
    `  photos changed:   ${s.changed}`,
    `  moved/duplicates: ${s.linked}`,
    `  photos removed:   ${s.removed}`,
    `  unchanged:        ${s.unchanged}`,
    `  faces found:      ${s.facesFound}`,
    `  failures:         ${s.failures.length}`,
    ...s.failures.map((f) => `    ${JSON.stringify(f.path).slice(1, -1)}: ${f.reason} [${f.code}]`),
  ];
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {});
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new CliError(`no folder given\n${HELP}`);
  const engine = Engine.open(dbPathOf(values));
  const ac = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(
        '\nstopping after the current photo (Ctrl-C again to quit now; nothing is lost either way)\n',
      );
      ac.abort();
    } else process.exit(130); // every photo is its own transaction: quitting now loses at most the current one
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const tty = process.stderr.isTTY;
  let last = 0;
  const onProgress = (p: JobProgress) => {
    const line = progressLine(p);
    if (tty) process.stderr.write(`\r\x1b[K${line}`);
    else if (p.status !== 'running' || Date.now() - last > 2000) {
      process.stderr.write(`${line}\n`);
      last = Date.now();
    }
    if (tty && p.status !== 'running' && p.status !== 'scanning') process.stderr.write('\n');
  };
  try {
    for (const f of positionals) if (!existsSync(f)) console.error(`facelens import: warning: ${f} does not exist now`);
    const summary = await engine.importFolders(positionals, { onProgress, signal: ac.signal });
    if (values.json) console.log(JSON.stringify({ ...summary, indexSize: engine.index().size }));
    else console.log(summaryText(summary));
    return summary.status === 'complete' ? 0 : 130;
  } catch (err) {
    if (
      err instanceof FolderNotFoundError ||
      err instanceof FolderRefusedError ||
      err instanceof LockedError ||
      err instanceof ImportRunningError
    )
      throw new CliError(err.message, 1);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await engine.close();
  }
}

// CLI (terminal door): `facelens import <folder...> [--db PATH] [--json]`: import photo folders with live progress.
import { existsSync } from 'node:fs';
import { CliError, parse, progressWriter, withEngine } from '../args.js';
import type { LibraryImport } from '../../engine/api/library.js';
import { count } from '../../shared/words.js';
import type { JobProgress } from '../../engine/jobs/progress.js';

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
      return `scanning: ${count(p.found, 'photo')} found${p.failed ? `, ${count(p.failed, 'problem')}` : ''}`;
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

export function summaryText(s: LibraryImport): string {
  const lines = [
    `${s.status === 'complete' ? 'Import complete' : 'Import stopped (resume by running it again)'} in ${formatDuration(s.elapsedMs)}`,
    `  photos added:     ${s.added}`,
    `  photos changed:   ${s.changed}`,
    `  moved/duplicates: ${s.linked}`,
    `  photos removed:   ${s.removed}`,
    `  unchanged:        ${s.unchanged}`,
    `  faces found:      ${s.facesFound}`,
    `  failures:         ${s.failures.length}`,
    ...(s.assigned
      ? [
          `  people:           ${count(s.assigned.joined, 'face')} joined people, ${count(s.assigned.newPeopleFaces, 'face')} formed ${count(s.assigned.newPeople, 'new group')}`,
        ]
      : []),
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
  for (const f of positionals) if (!existsSync(f)) console.error(`facelens import: warning: ${f} does not exist now`);
  return withEngine(values, async (engine) => {
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
    const write = progressWriter(2000);
    try {
      const summary = await engine.library.importFolders(positionals, {
        signal: ac.signal,
        onProgress: (p) => write(progressLine(p), p.status !== 'running' && p.status !== 'scanning'),
      });
      if (values.json) console.log(JSON.stringify({ ...summary, indexSize: engine.index().size }));
      else console.log(summaryText(summary));
      return summary.status === 'complete' ? 0 : 130;
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
  });
}

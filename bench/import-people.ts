// Bench (run with node --import tsx bench/import-people.ts [--truth DIR] [--every 100,0]): people while an import runs against people only at its end.
// Imports a truth folder (default ../shared/data/celeba-wild, one sub-folder per person) into a fresh library once per
// cadence of [Note: people as faces arrive] (`--every N`: assign every N photos; 0: only when the import ends, as
// before issue 14) and prints when the first people showed, the import's time, and how the people it left compare
// with the truth (each photo's largest face carries its folder's identity; pairwise and BCubed F, unknown share).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../src/engine/api/engine.js';
import { LIBRARY_OPTIONS } from '../src/engine/api/library.js';
import { labelledFaces } from '../src/engine/cluster/evaluate.js';
import { scoreClustering } from '../src/engine/cluster/metrics.js';
import { sharedDataDir } from '../src/engine/paths.js';

const { values } = parseArgs({
  options: { truth: { type: 'string' }, every: { type: 'string', default: '100,0' } },
});
const truth = values.truth ?? join(sharedDataDir() ?? '../shared/data', 'celeba-wild');

interface Row {
  every: string;
  firstPeopleS: number | null;
  importS: number;
  assignments: number;
  people: number;
  pairF: number;
  bcubedF: number;
  unknown: number;
  largest: number;
}

async function run(every: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'facelens-bench-people-'));
  const saved = LIBRARY_OPTIONS.assignEveryPhotos;
  LIBRARY_OPTIONS.assignEveryPhotos = every > 0 ? every : Number.POSITIVE_INFINITY;
  const engine = Engine.open(join(dir, 'library.db'));
  try {
    const t0 = performance.now();
    let first: number | null = null;
    let assignments = 0;
    engine.on((e) => {
      if (e.event !== 'people.changed') return;
      assignments++;
      if (first === null && engine.people.list({ offset: 0, limit: 1, includeHidden: true, named: 'all' }).total > 0)
        first = (performance.now() - t0) / 1000;
    });
    await engine.library.importFolders([truth]);
    const importS = (performance.now() - t0) / 1000;
    const { labelled } = labelledFaces(engine.db, truth);
    const person = new Map<number, number>();
    const people = engine.people.list({ offset: 0, limit: 5000, includeHidden: true, named: 'all' });
    for (const p of people.items)
      for (const f of engine.people.faces({ personId: p.id, offset: 0, limit: 5000 }).items) person.set(f.id, p.id);
    const ids = [...labelled.keys()].sort((a, b) => a - b);
    const names = new Map<string, number>();
    const s = scoreClustering(
      ids.map((f) => names.get(labelled.get(f)!) ?? names.set(labelled.get(f)!, names.size).get(labelled.get(f)!)!),
      ids.map((f) => person.get(f) ?? -1),
    );
    return {
      every: every > 0 ? `every ${every} photos` : 'at the end only',
      firstPeopleS: first,
      importS,
      assignments,
      people: people.total,
      pairF: s.pairwiseF,
      bcubedF: s.bcubedF,
      unknown: s.unknownShare,
      largest: Math.max(0, ...people.items.map((p) => p.faceCount)),
    };
  } finally {
    await engine.close();
    LIBRARY_OPTIONS.assignEveryPhotos = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
for (const every of values.every.split(',').map(Number)) rows.push(await run(every));
console.log(`\n${truth}\n`);
console.log(
  '| people assigned | first people | import | assignments | people | largest | pairwise F | BCubed F | unknown |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows)
  console.log(
    `| ${r.every} | ${r.firstPeopleS === null ? '-' : `${r.firstPeopleS.toFixed(1)} s`} | ${r.importS.toFixed(1)} s | ${r.assignments} | ${r.people} | ${r.largest} | ${r.pairF.toFixed(3)} | ${r.bcubedF.toFixed(3)} | ${(100 * r.unknown).toFixed(1)}% |`,
  );

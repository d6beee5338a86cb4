// CLI (terminal door): `facelens cluster` — group the library's faces into people (full re-cluster, preview, or new faces only).
import { algorithmByName, ALGORITHMS, DEFAULT_ALGORITHM, thresholdOptions } from '../../engine/api/cluster.js';
import { CliError, num, parse, quoted, withEngine } from '../args.js';

const USAGE = `usage: facelens cluster [--algorithm NAME] [--preview | --new] [--set KEY=VALUE ...] [--min-quality Q] [--json]
  (default)          full re-cluster; keeps every name, confirmation, rejection and merge; undo with 'people undo'
  --preview          show what a full re-cluster would change, change nothing
  --new              only faces in nobody: join existing people when close enough (the library's assignment
                     threshold, or --set threshold=X), group the rest
  --algorithm NAME   ${Object.keys(ALGORITHMS).join(' | ')} (default ${DEFAULT_ALGORITHM})
  --set KEY=VALUE    override one threshold of the algorithm (e.g. --set threshold=0.45); repeatable
  --min-quality Q    quality gate (faces below stay out; default: the library's setting)
  --explain          what the thresholds mean here: TAR and FAR on your named people (changes nothing)`;

export function parseSets(sets: string[] | undefined, defaults: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of sets ?? []) {
    const m = /^([A-Za-z]+)=(.+)$/.exec(s);
    if (!m) throw new CliError(`--set wants KEY=VALUE, got ${quoted(s)}`);
    if (!(m[1]! in defaults))
      throw new CliError(`--set ${m[1]}: not an option of this algorithm (known: ${Object.keys(defaults).join(', ')})`);
    out[m[1]!] = num(m[2], `set ${m[1]}`, NaN);
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      algorithm: { type: 'string' },
      preview: { type: 'boolean', default: false },
      new: { type: 'boolean', default: false },
      set: { type: 'string', multiple: true },
      'min-quality': { type: 'string' },
      explain: { type: 'boolean', default: false },
    },
    false,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const name = values.algorithm ?? DEFAULT_ALGORITHM;
  let algo;
  try {
    algo = algorithmByName(name);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const options = parseSets(values.set, algo.defaults);
  const minQuality = values['min-quality'] === undefined ? undefined : num(values['min-quality'], 'min-quality', NaN);
  return withEngine(values, async (engine) => {
    if (values.explain) {
      const r = engine.cluster.explain({
        ...(options.threshold !== undefined ? { clusterThreshold: options.threshold } : {}),
        ...(minQuality !== undefined ? { minQuality } : {}),
      });
      if (values.json) console.log(JSON.stringify(r));
      else if (r.points.length === 0)
        console.log(
          `name at least two people with ${thresholdOptions.minFaces}+ faces each to see what the thresholds mean in your library`,
        );
      else {
        console.log(
          `on your ${r.people} named people (${r.genuine} faces; ${r.impostor} face-to-other-person comparisons), AUC ${r.auc!.toFixed(4)}:`,
        );
        for (const p of r.points)
          console.log(
            `  ${p.name} at ${p.threshold.toFixed(2)}: ${(100 * p.tar).toFixed(1)}% of a person's faces accepted (TAR), ${(100 * p.far).toFixed(2)}% wrong person accepted (FAR)`,
          );
      }
      return 0;
    }
    if (values.new) {
      const r = await engine.cluster.assignNew({
        algorithm: name,
        ...(minQuality !== undefined ? { minQuality } : {}),
        ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      });
      if (values.json) console.log(JSON.stringify(r));
      else
        console.log(
          `${r.considered} faces in nobody: ${r.joined} joined people, ${r.newPeopleFaces} formed ${r.newPeople} new groups, ${r.unknown} stay unknown (${r.ms} ms)`,
        );
      return 0;
    }
    const r = await engine.cluster.run({
      algorithm: name,
      options,
      preview: values.preview,
      ...(minQuality !== undefined ? { minQuality } : {}),
    });
    const p = r.plan;
    if (values.json) {
      const { faceIds: _f, target: _t, current: _c, ...rest } = p;
      console.log(
        JSON.stringify({
          algorithm: name,
          faces: r.faces,
          gated: r.gated,
          clusters: r.clusters,
          ms: r.ms,
          ...rest,
          applied: r.applied ?? null,
        }),
      );
      return 0;
    }
    console.log(
      `${r.faces} faces clustered with ${name} (${r.gated} kept out as low quality) in ${r.ms.knn + r.ms.cluster} ms`,
    );
    console.log(
      `people: ${p.peopleBefore} -> ${p.peopleAfter} (${p.newPeople} new, ${p.removedPeople} gone), ${p.facesMoved} faces move`,
    );
    // named people first, then the largest changes
    const shown = [...p.changes]
      .sort((a, b) => Number(b.name !== null) - Number(a.name !== null) || b.gained + b.lost - (a.gained + a.lost))
      .slice(0, 20);
    for (const c of shown)
      console.log(
        `  ${c.name ?? (c.personId === null ? 'new person' : `person ${c.personId}`)}: +${c.gained} -${c.lost}`,
      );
    if (p.changes.length > shown.length) console.log(`  ... and ${p.changes.length - shown.length} more`);
    if (values.preview) console.log('preview only: nothing changed (run without --preview to apply)');
    else
      console.log(
        `applied: ${r.applied!.people} people, ${r.applied!.unknown} faces in nobody (undo: facelens people undo)`,
      );
    return 0;
  });
}

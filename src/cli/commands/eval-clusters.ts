// CLI (terminal door): `facelens eval-clusters` — clustering quality on a folder with one sub-folder per identity.
import { existsSync, statSync } from 'node:fs';
import { ALGORITHMS, DEFAULT_ALGORITHM } from '../../engine/api/cluster.js';
import { evaluateTruth } from '../../engine/api/evaluate.js';
import { CliError, num, parse, quoted } from '../args.js';
import { parseSets } from './cluster.js';

const USAGE = `usage: facelens eval-clusters --truth DIR [--aligned] [--algorithm NAME] [--compare NAME,...] [--library PATH] [--json]
  --truth DIR        one sub-folder per identity; whole photos (the labelled face: the largest that passes
                     the quality gate, else the largest)
  --aligned          the images are 112x112 aligned crops (no detection)
  --algorithm NAME   ${Object.keys(ALGORITHMS).join(' | ')} (default ${DEFAULT_ALGORITHM})
  --compare LIST     also score these algorithms on the same embeddings (default: density, unless it is the algorithm)
  --set KEY=VALUE    override a threshold of --algorithm; repeatable
  --library PATH     keep the imported library at PATH and reuse it next time (default: a temporary one)
  --min-quality Q    quality gate (default: the engine's default gate)
  --min-photos N     only identities with at least N photos (LFW: 2)
  --json             {pairwiseP, pairwiseR, pairwiseF, bcubedP, bcubedR, bcubedF, nmi, clusters, identities, unknownShare,
                      groups: {small, large: {groups, judged, pure}}, ...}`;

const f3 = (x: number) => x.toFixed(3);
const pure = (g: { judged: number; pure: number }) => `${g.pure}/${g.judged}`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      truth: { type: 'string' },
      aligned: { type: 'boolean', default: false },
      algorithm: { type: 'string' },
      compare: { type: 'string' },
      set: { type: 'string', multiple: true },
      library: { type: 'string' },
      'min-quality': { type: 'string' },
      'min-photos': { type: 'string' },
    },
    false,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.truth) throw new CliError(`--truth is required\n${USAGE}`);
  if (!existsSync(values.truth) || !statSync(values.truth).isDirectory())
    throw new CliError(`--truth ${values.truth} is not a folder`);
  const algorithm = values.algorithm ?? DEFAULT_ALGORITHM;
  if (!ALGORITHMS[algorithm])
    throw new CliError(`unknown algorithm ${quoted(algorithm)} (known: ${Object.keys(ALGORITHMS).join(', ')})`);
  const compare = (values.compare ?? (algorithm === 'density' ? '' : 'density')).split(',').filter(Boolean);
  for (const c of compare) if (!ALGORITHMS[c]) throw new CliError(`unknown algorithm ${quoted(c)} in --compare`);
  const options = parseSets(values.set, ALGORITHMS[algorithm]!.defaults);
  const r = await evaluateTruth({
    truthDir: values.truth,
    aligned: values.aligned,
    algorithms: [algorithm, ...compare.filter((c) => c !== algorithm)],
    options,
    ...(values.library ? { library: values.library } : {}),
    ...(values['min-quality'] !== undefined ? { minQuality: num(values['min-quality'], 'min-quality', NaN) } : {}),
    minPhotos: num(values['min-photos'], 'min-photos', 1),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  const main = r.results[0]!;
  if (values.json) {
    console.log(
      JSON.stringify({
        algorithm,
        ...main.scores,
        photos: r.photos,
        missedPhotos: r.missedPhotos,
        facesFound: r.faces,
        scored: r.scored,
        gatedScored: r.gatedScored,
        importMs: r.importMs,
        clusterMs: main.ms,
        groups: main.groups,
        compare: Object.fromEntries(
          r.results.slice(1).map((x) => [x.algorithm, { ...x.scores, groups: x.groups, clusterMs: x.ms }]),
        ),
      }),
    );
    return 0;
  }
  console.log(
    `${r.photos} photos of ${r.identities} identities: ${r.faces} faces found, ${r.scored} scored (largest per photo), ${r.missedPhotos} photos without a face, ${r.gatedScored} scored faces below the quality gate (clustered only by late attach)`,
  );
  console.log(
    'algorithm   pairP  pairR  pairF  | B3-P   B3-R   B3-F   | NMI    | clusters/ids | unknown | pure 2-3 | pure 4+ | ms',
  );
  for (const x of r.results) {
    const s = x.scores;
    console.log(
      `${x.algorithm.padEnd(10)}  ${f3(s.pairwiseP)}  ${f3(s.pairwiseR)}  ${f3(s.pairwiseF)}  | ${f3(s.bcubedP)}  ${f3(s.bcubedR)}  ${f3(s.bcubedF)}  | ${f3(s.nmi)}  | ${String(s.clusters).padStart(4)}/${String(s.identities).padEnd(7)} | ${(100 * s.unknownShare).toFixed(1).padStart(5)}%  | ${pure(x.groups.small).padStart(8)} | ${pure(x.groups.large).padStart(7)} | ${x.ms}`,
    );
  }
  return 0;
}

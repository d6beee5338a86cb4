// CLI (terminal door): `facelens similar --face ID [-k N] [--json]`: the faces most like a face, from the HNSW index.
import { CliError, dbPathOf, num, parse } from '../args.js';
import { Engine, FaceNotFoundError } from '../../engine/engine.js';

const HELP = `usage: facelens similar --face ID [-k N] [--db PATH] [--json]
  Lists the N faces (default 10) most similar to face ID (cosine similarity of the active head's embeddings).`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { face: { type: 'string' }, k: { type: 'string', short: 'k' } }, false);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.face === undefined) throw new CliError(`--face ID is required\n${HELP}`);
  const faceId = num(values.face, 'face', NaN);
  const k = num(values.k, 'k', 10);
  if (!Number.isInteger(faceId) || faceId < 1)
    throw new CliError(`--face must be a face id (a positive integer), got '${values.face}'`);
  if (!Number.isInteger(k) || k < 1 || k > 10_000)
    throw new CliError(`-k must be an integer from 1 to 10000, got '${values.k}'`);
  const engine = Engine.open(dbPathOf(values));
  try {
    const found = engine.similar(faceId, k);
    if (values.json) console.log(JSON.stringify({ face: faceId, k, neighbours: found }));
    else {
      console.log(`faces most like face ${faceId}:`);
      for (const f of found)
        console.log(
          `  face ${String(f.faceId).padStart(7)}  similarity ${f.similarity.toFixed(4)}  ${f.path ?? '(no file)'}`,
        );
      if (found.length === 0) console.log('  (no other faces in the library)');
    }
    return 0;
  } catch (err) {
    if (err instanceof FaceNotFoundError) throw new CliError(err.message, 1);
    throw err;
  } finally {
    await engine.close();
  }
}

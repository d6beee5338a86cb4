// CLI (terminal door): `facelens similar --face ID [-k N] [--json]`: the faces most like a face, from the HNSW index.
import { CliError, num, parse, quoted, withEngine } from '../args.js';

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
    throw new CliError(`--face must be a face id (a positive integer), got ${quoted(values.face)}`);
  if (!Number.isInteger(k) || k < 1 || k > 500)
    throw new CliError(`-k must be an integer from 1 to 500, got ${quoted(values.k)}`);
  return withEngine(values, (engine) => {
    const found = engine.faces.similar({ faceId, k }).map((s) => ({
      faceId: s.face.id,
      similarity: s.similarity,
      photoId: s.face.photoId,
      path: engine.photos.get({ photoId: s.face.photoId }).path,
      box: s.face.box,
    }));
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
  });
}

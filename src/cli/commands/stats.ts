// CLI (terminal door): `facelens stats [--json]`: what the library holds (photos, faces, failures, index, backend).
import { dbPathOf, parse } from '../args.js';
import { Engine } from '../../engine/engine.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {}, false);
  if (values.help) {
    console.log('usage: facelens stats [--db PATH] [--json]');
    return 0;
  }
  const engine = Engine.open(dbPathOf(values));
  try {
    await engine.probeInference(); // `backend` names the provider that loads here, not only the first one planned
    const s = engine.stats();
    if (values.json) console.log(JSON.stringify(s));
    else {
      console.log(`library ${engine.dbPath}`);
      for (const [k, v] of Object.entries(s))
        console.log(`  ${k.padEnd(11)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}

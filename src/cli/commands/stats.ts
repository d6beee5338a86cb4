// CLI (terminal door): `facelens stats [--json]`: what the library holds (photos, faces, people, failures, index, backend).
import { parse, withEngine } from '../args.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {}, false);
  if (values.help) {
    console.log('usage: facelens stats [--db PATH] [--json]');
    return 0;
  }
  return withEngine(values, async (engine) => {
    await engine.probeInference(); // `backend` names the provider that loads here, not only the first one planned
    const s = engine.library.stats();
    if (values.json) console.log(JSON.stringify(s));
    else {
      console.log(`library ${engine.dbPath}`);
      const width = Math.max(...Object.keys(s).map((k) => k.length));
      for (const [k, v] of Object.entries(s))
        console.log(`  ${k.padEnd(width)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
    }
    return 0;
  });
}

// CLI (terminal door): `facelens doctor [--repair] [--json]`: check the library and repair what can be repaired.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, dbPathOf, parse, withEngine } from '../args.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { repair: { type: 'boolean', default: false } }, false);
  if (values.help) {
    console.log(
      'usage: facelens doctor [--db PATH] [--repair] [--json]\n  exit 0 when the library is healthy (or was repaired), 1 when problems remain',
    );
    return 0;
  }
  const path = resolve(dbPathOf(values));
  if (!existsSync(path)) throw new CliError(`no library at ${path}`);
  return withEngine(values, async (engine) => {
    const report = await engine.care.doctor({ repair: values.repair });
    if (values.json) console.log(JSON.stringify(report));
    else {
      console.log(`library ${path}`);
      if (!report.problems.length) console.log('  no problems found');
      for (const p of report.problems) {
        const state = p.repaired ? 'repaired' : p.repairable ? 'repairable with --repair' : 'not repairable here';
        console.log(`  ${p.code}: ${p.message} (${p.count}; ${state})`);
        for (const e of p.examples) console.log(`      ${e}`);
      }
      for (const a of report.actions) console.log(`  did: ${a}`);
      console.log(report.ok ? 'ok' : 'problems remain');
    }
    return report.ok ? 0 : 1;
  });
}

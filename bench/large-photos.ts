// Bench (cli, dev only): what one photo at phone resolution costs the analysis, stage by stage, on one thread.
// The photos are celeba-wild's, enlarged to --size (4032x3024 by default, a 12 MP phone photo) and saved as JPEG q90
// in a temp folder, so the decode and every pixel loop see a real 12 MP file; their faces are as large as the
// enlargement makes them (a portrait), which is where the per-face pixel work (landmark crops, alignment) peaks.
// usage: node --import tsx bench/large-photos.ts [--n 12] [--size 4032x3024] [--repeat 2]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { analyzePhoto, type AnalyzeStage } from '../src/engine/library/analyze.js';
import { sharedDataDir } from '../src/engine/paths.js';
import { FacePipeline } from '../src/engine/vision/pipeline.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '12' },
    size: { type: 'string', default: '4032x3024' },
    repeat: { type: 'string', default: '2' },
  },
});
const data = sharedDataDir();
if (!data) throw new Error('needs ../shared/data/celeba-wild (real photos)');
const [width, height] = values.size.split('x').map(Number) as [number, number];
if (!(width > 0 && height > 0)) throw new Error(`--size ${values.size}: want WIDTHxHEIGHT`);

sharp.concurrency(1); // one thread for libvips too: the figures are one core's
const root = join(data, 'celeba-wild');
const dir = mkdtempSync(join(tmpdir(), 'facelens-large-'));
try {
  const files: string[] = [];
  for (const person of readdirSync(root).sort().slice(0, Number(values.n))) {
    const first = readdirSync(join(root, person)).sort()[0]!;
    const out = join(dir, `${person}.jpg`);
    await sharp(join(root, person, first))
      .resize(width, height, { fit: 'cover' })
      .jpeg({ quality: 90 })
      .toFile(out);
    files.push(out);
  }
  const pipeline = await FacePipeline.load({ threads: 1 });
  console.log(`${files.length} photos of ${width}x${height} (JPEG q90, made from celeba-wild), one thread`);
  console.log('| run | faces | decode ms | detect ms | describe ms | thumbs ms | wall ms/photo | CPU ms/photo |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (let run = 1; run <= Number(values.repeat); run++) {
    const ms: Record<AnalyzeStage, number> = { decode: 0, detect: 0, describe: 0, thumbs: 0 };
    let faces = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const f of files) {
      const r = await analyzePhoto(pipeline, { bytes: readFileSync(f), maxPixels: 100e6 });
      if (r.kind !== 'done') throw new Error(`${f}: ${r.reason}`);
      faces += r.faces.length;
      for (const k of Object.keys(ms) as AnalyzeStage[]) ms[k] += r.ms[k];
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const per = (x: number) => (x / files.length).toFixed(1);
    console.log(
      `| ${run} | ${faces} | ${per(ms.decode)} | ${per(ms.detect)} | ${per(ms.describe)} | ${per(ms.thumbs)} | ${per(wall)} | ${per((cpu.user + cpu.system) / 1000)} |`,
    );
  }
  await pipeline.dispose();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

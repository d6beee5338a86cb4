// Bench helper, loaded with `node --import ./bench/peak-rss.mjs ...`: when the process exits, writes its peak
// resident set (every thread, worker threads included) and wall time to the file named by $FACELENS_PEAK_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.FACELENS_PEAK_FILE;
const t0 = performance.now();
if (file)
  process.on('exit', () =>
    writeFileSync(file, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, ms: performance.now() - t0 })),
  );

#!/usr/bin/env node
// CLI entry (terminal door): sizes libuv's thread pool, then runs the compiled launcher (dist/src/entry.js); `npm run build` first.
'use strict';
// [Note: libuv threads] The analysis workers decode, resize and render thumbnails with sharp on libuv's thread
// pool, which the whole process shares and which has 4 threads unless UV_THREADPOOL_SIZE says otherwise when
// it starts: on a machine with more cores than that, every worker would queue behind 4 threads. libuv reads the
// variable once, at the pool's first use, and loading an ES module already uses the pool, so this entry is
// CommonJS (sync loads; bin/package.json says so) and sets it before importing anything. The Electron window gives
// its engine process the same (engineProcessEnv in src/engine/host/client.ts).
// [Note: bin path] The file keeps its name across versions: `npx facelens` in the project folder installs the
// project into npm's npx cache once and never refreshes the link it made to the bin there, so a renamed bin leaves
// every earlier user (and CI machine) with "facelens: not found".
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose (see above)
const { availableParallelism } = require('node:os');
if (!process.env.UV_THREADPOOL_SIZE)
  process.env.UV_THREADPOOL_SIZE = String(Math.min(1024, availableParallelism() + 4));
import('../dist/src/entry.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/entry.js')) {
    console.error('facelens: not built yet; run `npm run build` in the project folder first.');
    process.exit(2);
  }
  throw err;
});

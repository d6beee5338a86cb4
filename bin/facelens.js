#!/usr/bin/env node
// CLI entry (terminal door): runs the compiled launcher (dist/src/entry.js); `npm run build` first.
import('../dist/src/entry.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/src/entry.js')) {
    console.error('facelens: not built yet; run `npm run build` in the project folder first.');
    process.exit(2);
  }
  throw err;
});

// Start the app (`npm start`): the Electron window when its binary is installed, else the same app through the web door in a browser.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

const extra = process.argv.slice(2);
const electron = electronBinary();
const [cmd, args] =
  electron && !process.env.FACELENS_WEB
    ? [electron, [root, ...extra]]
    : [process.execPath, [join(root, 'bin', 'facelens.js'), 'serve', '--open', ...extra]];
if (cmd === process.execPath)
  console.log(
    electron
      ? 'FACELENS_WEB is set: starting Facelens in your browser.'
      : "Electron's binary is not installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1?): starting Facelens in your browser instead of a window.",
  );
const child = spawn(cmd, args, { stdio: 'inherit' });
// Ctrl-C reaches the child too (same terminal): wait for it to stop cleanly rather than dying first.
const forward = (sig) => () => child.exitCode === null && child.kill(sig);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
child.on('error', (err) => {
  console.error(`could not start Facelens: ${err.message}`);
  process.exit(1);
});

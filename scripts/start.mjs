// Start the app (dev): the Electron window when its binary is installed, else the same UI through the web door.
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
if (electron && !process.env.FACELENS_WEB) {
  const child = spawn(electron, [root, ...extra], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(
    electron
      ? 'FACELENS_WEB is set: starting the web door.'
      : "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?): starting the same app in your browser.",
  );
  const child = spawn(process.execPath, [join(root, 'bin', 'facelens.js'), 'serve', '--open', ...extra], {
    stdio: 'inherit',
  });
  process.on('SIGINT', () => child.kill('SIGINT'));
  child.on('exit', (code) => process.exit(code ?? 0));
}

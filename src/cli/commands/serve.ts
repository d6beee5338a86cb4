// CLI (terminal door): `facelens serve [--port N] [--open]` — the app in a browser through the web door on 127.0.0.1.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ThreadHost } from '../../server/engine-thread.js';
import { projectRoot } from '../../engine/paths.js';
import { startWebDoor } from '../../server/server.js';
import { CliError, dbPathOf, num, parse } from '../args.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { port: { type: 'string' }, open: { type: 'boolean', default: false }, static: { type: 'string' } },
    false,
  );
  if (values.help) {
    console.log(
      'usage: facelens serve [--port N] [--open] [--db PATH] [--static DIR]\n  Serves the app on http://127.0.0.1:N/ with a session token in the URL.',
    );
    return 0;
  }
  const port = num(values.port, 'port', 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be 0..65535, got ${port}`);
  const staticDir =
    typeof values.static === 'string' ? resolve(values.static) : join(projectRoot(), 'dist', 'renderer');
  if (!existsSync(join(staticDir, 'index.html')))
    console.error(`facelens serve: ${staticDir} has no built renderer yet: run \`npm run build\``);

  const host = await ThreadHost.open({
    dbPath: dbPathOf(values),
    checkResults: process.env.FACELENS_CHECK_RESULTS === '1',
  });
  const door = await startWebDoor({ host, staticDir, port, log: (l) => console.error(l) });
  console.log(`Facelens web door: ${door.url}`);
  console.log(`library: ${dbPathOf(values)}  (Ctrl-C to stop)`);
  if (values.open) openBrowser(door.url);

  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await door.close();
  await host.close();
  return 0;
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => console.error(`facelens serve: could not open a browser; open ${url}`));
    child.unref();
  } catch {
    console.error(`facelens serve: could not open a browser; open ${url}`);
  }
}

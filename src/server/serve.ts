// Server (web door): `facelens serve [--port N] [--open]` — starts the app in a browser through the web door on 127.0.0.1.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDbPath, projectRoot } from '../engine/paths.js';
import { openInBrowser } from './browser.js';
import { openThreadHost } from './engine-thread.js';
import { startWebDoor } from './server.js';

const HELP = `usage: facelens serve [--port N] [--open] [--db PATH] [--static DIR]
  Serves the app on http://127.0.0.1:N/ (this computer only) with a session token in its address.
  --open   also opens it in your browser, where this computer has one
  Ctrl-C stops it.`;

/** A problem with the command line or the library: printed as one line, with this exit code. */
function fail(message: string, code: number): number {
  console.error(`facelens serve: ${message}`);
  return code;
}

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        open: { type: 'boolean', default: false },
        static: { type: 'string' },
        db: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return fail((err as Error).message, 2);
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return fail(`--port must be 0..65535, got ${values.port}`, 2);
  const staticDir = values.static !== undefined ? resolve(values.static) : join(projectRoot(), 'dist', 'renderer');
  if (!existsSync(join(staticDir, 'index.html')))
    return fail(`${staticDir} has no built app: run \`npm run build\` in the Facelens folder first`, 1);

  const dbPath = values.db ?? defaultDbPath();
  let host;
  try {
    host = await openThreadHost({ dbPath, checkResults: process.env.FACELENS_CHECK_RESULTS === '1' });
  } catch (err) {
    return fail((err as Error).message, 1);
  }
  const door = await startWebDoor({ host, staticDir, port, log: (l) => console.error(l) });
  console.log(`Facelens web door: ${door.url}`);
  console.log(`library: ${dbPath}  (Ctrl-C to stop)`);
  const opened = values.open ? openInBrowser(door.url) : undefined;
  if (opened) console.log(opened.message);

  // Ctrl-C (or SIGTERM) stops cleanly: no new requests, the engine closes its library (or is killed after a few
  // seconds when busy). One Ctrl-C may arrive twice (from the terminal and forwarded by npm or `npm start`), so only a
  // signal more than a second later counts as a second one, which quits at once: the library is safe either way.
  await new Promise<void>((done) => {
    let first = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      if (!first) {
        first = Date.now();
        console.log('stopping...');
        done();
      } else if (Date.now() - first > 1000) process.exit(sig === 'SIGINT' ? 130 : 143);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  opened?.cleanup();
  await door.close();
  await host.close();
  console.log('stopped');
  return 0;
}

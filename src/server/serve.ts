// Server (web door): `facelens serve [--port N] [--open]` — starts the app in a browser through the web door on 127.0.0.1.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDbPath, projectRoot } from '../engine/paths.js';
import { openInBrowser } from './browser.js';
import { openThreadHost } from './engine-thread.js';
import { startWebDoor } from './server.js';

/** How long a stop may take before the process quits regardless (see [Note: stopping a busy engine]). */
export const serveOptions = { stopDeadlineMs: 7_000 };

const HELP = `usage: facelens serve [--port N] [--open] [--db PATH] [--static DIR]
  Serves the app on http://127.0.0.1:N/ (this computer only) with a session token in its address's #fragment.
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
    return fail('--port must be a whole number from 0 to 65535', 2);
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
  const sig = await new Promise<NodeJS.Signals>((done) => {
    let first = 0;
    const onSignal = (s: NodeJS.Signals) => {
      if (!first) {
        first = Date.now();
        console.log('stopping...');
        done(s);
      } else if (Date.now() - first > 1000) quitNow(s);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const deadline = setTimeout(() => {
    console.error(
      `the engine did not stop within ${serveOptions.stopDeadlineMs / 1000} s: quitting (the library is safe)`,
    );
    quitNow(sig);
  }, serveOptions.stopDeadlineMs);
  deadline.unref();
  opened?.cleanup();
  await door.close();
  await host.close();
  if (!host.ended) quitNow(sig);
  clearTimeout(deadline);
  console.log('stopped');
  return 0;
}

/**
 * [Note: stopping a busy engine] The engine thread answers a close at once when idle; busy in long JavaScript work it
 * is terminated (EngineClient.close, after closeTimeoutMs). A thread blocked inside a system call (a read that never
 * returns) cannot be terminated, and Node then cannot exit either: process.exit() waits for every thread. So a stop
 * that has not finished within stopDeadlineMs ends the process the way the signal would have without a handler: the
 * handlers are removed and the signal raised again. SQLite's journal keeps the library whole through it.
 */
function quitNow(sig: NodeJS.Signals): never {
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.kill(process.pid, sig);
  // Not reached on POSIX; where a signal cannot end the process (Windows), exit with the signal's conventional code.
  process.exit(sig === 'SIGINT' ? 130 : 143);
}

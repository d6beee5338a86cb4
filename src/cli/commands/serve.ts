// CLI (terminal door): `facelens serve [--port N] [--open]` — the app in a browser through the web door on 127.0.0.1.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openThreadHost } from '../../server/engine-thread.js';
import { projectRoot } from '../../engine/paths.js';
import { startWebDoor } from '../../server/server.js';
import { openInBrowser } from '../browser.js';
import { CliError, dbPathOf, num, parse } from '../args.js';

const HELP = `usage: facelens serve [--port N] [--open] [--db PATH] [--static DIR]
  Serves the app on http://127.0.0.1:N/ (this computer only) with a session token in its address.
  --open   also opens it in your browser, where this computer has one
  Ctrl-C stops it.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { port: { type: 'string' }, open: { type: 'boolean', default: false }, static: { type: 'string' } },
    false,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = num(values.port, 'port', 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be 0..65535, got ${port}`);
  const staticDir =
    typeof values.static === 'string' ? resolve(values.static) : join(projectRoot(), 'dist', 'renderer');
  if (!existsSync(join(staticDir, 'index.html')))
    throw new CliError(`${staticDir} has no built app: run \`npm run build\` in the Facelens folder first`, 1);

  const dbPath = dbPathOf(values);
  let host;
  try {
    host = await openThreadHost({ dbPath, checkResults: process.env.FACELENS_CHECK_RESULTS === '1' });
  } catch (err) {
    throw new CliError((err as Error).message, 1);
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

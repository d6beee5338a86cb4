// Server (web door): HTTP + WebSocket on 127.0.0.1 serving the built renderer and the contract, for browsers and the e2e tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DoorHost } from './engine-thread.js';
import { fail, type Result } from '../shared/result.js';
import {
  BodyTooLarge,
  guardOptions,
  hostAllowed,
  newToken,
  originAllowed,
  presentedToken,
  readBody,
  tokenMatches,
} from './guard.js';
import { mimeOf, readStatic, webCsp } from './static.js';
import { appFile } from '../engine/contained.js';

export interface WebDoorOptions {
  /** The engine: in this process (tests) or in a worker thread (`facelens serve`). */
  host: DoorHost;
  /** Folder of the built renderer (dist/renderer). */
  staticDir: string;
  /** 0 = any free port. */
  port?: number;
  token?: string;
  log?: (line: string) => void;
}

export interface WebDoor {
  server: Server;
  port: number;
  token: string;
  url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
} as const;

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

function sendResult(res: ServerResponse, status: number, result: Result<unknown>): void {
  send(res, status, JSON.stringify(result), 'application/json', { 'Cache-Control': 'no-store' });
}

function sendFile(res: ServerResponse, path: string, cache: string): void {
  const size = statSync(path).size;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': mimeOf(path),
    'Content-Length': size,
    'Cache-Control': cache,
  });
  createReadStream(path).pipe(res);
}

/** Starts the web door; resolves once it listens on 127.0.0.1. */
export async function startWebDoor(o: WebDoorOptions): Promise<WebDoor> {
  const token = o.token ?? newToken();
  const log = o.log ?? (() => {});
  let port = o.port ?? 0;

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const limit = guardOptions.uploadMethods.has(method) ? guardOptions.maxUploadBody : guardOptions.maxBody;
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (err) {
      if (err instanceof BodyTooLarge) return sendResult(res, 413, fail('too-large', `${method}: ${err.message}`));
      throw err;
    }
    let envelope: unknown;
    try {
      envelope = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return sendResult(res, 400, fail('invalid-args', `${method}: the body is not JSON`));
    }
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope))
      return sendResult(res, 400, fail('invalid-args', `${method}: the body must be a JSON object {"args": ...}`));
    const args = (envelope as { args?: unknown }).args;
    const result = await o.host.call(method, args);
    sendResult(res, 200, result);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hostAllowed(req, port)) return send(res, 421, 'wrong host', 'text/plain');
    if (!originAllowed(req, port)) return send(res, 403, 'cross-origin request refused', 'text/plain');
    const authed = tokenMatches(token, presentedToken(req, url));

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, 'POST only', 'text/plain', { Allow: 'POST' });
      if (!authed) return sendResult(res, 401, fail('unauthorized', 'missing or wrong session token'));
      return handleApi(req, res, decodeURIComponent(url.pathname.slice(5)));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'GET only', 'text/plain', { Allow: 'GET' });

    const media = /^\/(thumb|photo|photothumb)\/([1-9][0-9]{0,15})$/.exec(url.pathname);
    if (media) {
      if (!authed) return send(res, 401, 'missing or wrong session token', 'text/plain');
      const id = Number(media[2]);
      const file = await (media[1] === 'thumb'
        ? o.host.thumbFile(id)
        : media[1] === 'photo'
          ? o.host.photoFile(id)
          : o.host.photoThumbFile(id));
      if (!file) return send(res, 404, 'not found', 'text/plain');
      return sendFile(res, file, 'private, max-age=3600');
    }

    const file = appFile(o.staticDir, url.pathname);
    if (!file) {
      const built = appFile(o.staticDir, '/');
      return send(res, 404, built ? 'not found' : 'the renderer is not built: run `npm run build`', 'text/plain');
    }
    if (file.endsWith('.html')) {
      // The page itself is public (it holds no data); it reads the token from its own URL.
      return send(res, 200, readStatic(file), 'text/html; charset=utf-8', {
        'Content-Security-Policy': webCsp(port),
        'Cache-Control': 'no-store',
      });
    }
    sendFile(res, file, 'no-cache');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`web door: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) sendResult(res, 500, fail('engine', 'internal error in the web door'));
      else res.destroy();
    });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const sockets = new Set<WebSocket>();
  const unsubscribe = o.host.onEvent((e) => {
    const text = JSON.stringify(e);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const okReq =
      url.pathname === '/events' &&
      hostAllowed(req, port) &&
      originAllowed(req, port) &&
      tokenMatches(token, presentedToken(req, url));
    if (!okReq) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', () => ws.close(1008, 'the event socket only speaks'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/?t=${token}`;
  return {
    server,
    port,
    token,
    url,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

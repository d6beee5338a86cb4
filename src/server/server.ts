// Server (web door): HTTP + WebSocket on 127.0.0.1 serving the built renderer and the contract, for browsers and the e2e tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DoorHost } from './engine-thread.js';
import { fail, type ErrorCode, type Result } from '../shared/result.js';
import {
  BodyTooLarge,
  bearerToken,
  cookieName,
  cookieValue,
  deeperThan,
  discardBody,
  guardOptions,
  hostAllowed,
  isJsonType,
  newToken,
  originAllowed,
  readBody,
  sessionCookie,
  tokenMatches,
} from './guard.js';
import { collectSoon } from './memory.js';
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
  /** The address to open: the token in its fragment only ([Note: token out of URLs]). */
  url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
} as const;

/**
 * [Note: web door status codes] The HTTP status says what the door did with the request; the JSON Result says what
 * the engine answered. A call the door or the contract refuses gets the status of why: 400 invalid arguments (bad
 * JSON, too deep, failing the schema), 401 no session, 404 no such method, 405 wrong verb, 413 too large, 415 not
 * JSON, 429 too many at once. A call the engine ran answers 200 with its Result, {ok: false} included (not found,
 * conflict, not available): those are answers, not transport failures.
 */
const STATUS: Partial<Record<ErrorCode, number>> = {
  'invalid-args': 400,
  unauthorized: 401,
  'unknown-method': 404,
  'too-large': 413,
  busy: 429,
};

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

function sendResult(res: ServerResponse, result: Result<unknown>, extra: Record<string, string> = {}): void {
  const status = result.ok ? 200 : (STATUS[result.error.code] ?? 200);
  send(res, status, JSON.stringify(result), 'application/json', { 'Cache-Control': 'no-store', ...extra });
}

/** Why a file could not be sent: the errno of its open, or 'ENOTFILE'. */
class FileFailed extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/**
 * Sends one file: opened once (O_NONBLOCK: a FIFO that took its name cannot hang the door), checked to be a regular
 * file on that handle, and exactly the size seen then is sent (a file growing meanwhile sends no more; one shrinking
 * ends the connection rather than answering short). Rejects with FileFailed before anything was sent; once headers
 * are out, every error of the stream or the socket ends that one response and nothing else.
 */
async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  cache: Record<string, string>,
): Promise<void> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new FileFailed((err as NodeJS.ErrnoException).code ?? 'EIO');
  }
  let size: number;
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new FileFailed('ENOTFILE');
    size = st.size;
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err instanceof FileFailed ? err : new FileFailed((err as NodeJS.ErrnoException).code ?? 'EIO');
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': mimeOf(path),
    'Content-Length': size,
    ...cache,
  });
  if (req.method === 'HEAD' || size === 0) {
    await fh.close().catch(() => undefined);
    res.end();
    return;
  }
  const stream = fh.createReadStream({ start: 0, end: size - 1, autoClose: true });
  let sent = 0;
  stream.on('data', (c: Buffer | string) => {
    sent += c.length;
    if (!res.write(c)) stream.pause();
  });
  res.on('drain', () => stream.resume());
  res.on('close', () => stream.destroy());
  stream.on('error', () => res.destroy());
  stream.on('end', () => (sent === size ? res.end() : res.destroy()));
}

/** Starts the web door; resolves once it listens on 127.0.0.1. */
export async function startWebDoor(o: WebDoorOptions): Promise<WebDoor> {
  const token = o.token ?? newToken();
  const cookieSecret = newToken();
  const log = o.log ?? (() => {});
  let port = o.port ?? 0;
  let uploads = 0;

  const cookieOk = (req: IncomingMessage) => tokenMatches(cookieSecret, cookieValue(req, cookieName(port)));

  async function handleApi(req: IncomingMessage, res: ServerResponse, rawName: string): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, 'POST only', 'text/plain', { Allow: 'POST' });
    if (!tokenMatches(token, bearerToken(req)))
      return sendResult(res, fail('unauthorized', 'missing or wrong session token'));
    if (!isJsonType(req)) {
      req.resume();
      return send(res, 415, 'a call is a JSON body: Content-Type: application/json', 'text/plain');
    }
    let method: string;
    try {
      method = decodeURIComponent(rawName);
    } catch {
      req.resume();
      return sendResult(res, fail('invalid-args', 'the method name is not valid percent-encoding'));
    }
    const upload = guardOptions.uploadMethods.has(method);
    if (upload && uploads >= guardOptions.maxUploads) {
      const whole = await discardBody(req, guardOptions.maxUploadBody);
      return sendResult(res, fail('busy', `${method}: another comparison is running; try again when it is done`), {
        'Retry-After': '1',
        ...(whole ? {} : { Connection: 'close' }),
      });
    }
    if (upload) uploads++;
    try {
      let body: Buffer;
      try {
        body = await readBody(req, upload ? guardOptions.maxUploadBody : guardOptions.maxBody);
      } catch (err) {
        if (err instanceof BodyTooLarge)
          return sendResult(res, fail('too-large', `${method}: ${err.message}`), { Connection: 'close' });
        throw err;
      }
      let envelope: unknown;
      try {
        envelope = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        return sendResult(res, fail('invalid-args', `${method}: the body is not JSON`));
      }
      body = Buffer.alloc(0);
      if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope))
        return sendResult(res, fail('invalid-args', `${method}: the body must be a JSON object {"args": ...}`));
      if (deeperThan(envelope, guardOptions.maxJsonDepth))
        return sendResult(
          res,
          fail('invalid-args', `${method}: the arguments are nested deeper than ${guardOptions.maxJsonDepth} levels`),
        );
      const args = (envelope as { args?: unknown }).args;
      envelope = undefined;
      sendResult(res, await o.host.call(method, args));
    } finally {
      if (upload) {
        uploads--;
        collectSoon();
      }
    }
  }

  /** /photo/N and /thumb/N: the engine names the file; a file that fails to open answers 404 or 410, never a crash. */
  async function handleMedia(req: IncomingMessage, res: ServerResponse, kind: string, id: number): Promise<void> {
    if (!cookieOk(req)) return send(res, 401, 'no session: open the address Facelens printed', 'text/plain');
    const photo = kind === 'photo';
    const file = await (photo
      ? o.host.photoFile(id)
      : kind === 'photothumb'
        ? o.host.photoThumbFile(id)
        : o.host.thumbFile(id));
    let code = 'ENOENT';
    if (file) {
      try {
        // Private, and cached per session (Vary: Cookie: a later door on the same port, maybe on another library,
        // never gets this session's copy); the URL carries no secret ([Note: token out of URLs]).
        return await sendFile(req, res, file, { 'Cache-Control': 'private, max-age=3600', Vary: 'Cookie' });
      } catch (err) {
        if (!(err instanceof FileFailed)) throw err;
        code = err.code;
      }
    }
    // A thumbnail is derived (doctor and the UI rebuild it); a photo's failure is the library's to record.
    const state = photo && o.host.photoFileFailed ? await o.host.photoFileFailed(id, code) : 'unknown';
    if (state === 'vanished') return send(res, 410, 'this photo file is gone from its folder', 'text/plain');
    return send(res, 404, 'not found', 'text/plain');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    if (!raw.startsWith('/')) return send(res, 400, 'bad request target', 'text/plain');
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    if (!hostAllowed(req, port)) return send(res, 421, 'wrong host', 'text/plain');
    if (!originAllowed(req, port)) return send(res, 403, 'cross-origin request refused', 'text/plain');

    if (path.startsWith('/api/')) return handleApi(req, res, path.slice(5));
    if (path === '/session') {
      if (req.method !== 'POST') return send(res, 405, 'POST only', 'text/plain', { Allow: 'POST' });
      req.resume();
      if (!tokenMatches(token, bearerToken(req)))
        return sendResult(res, fail('unauthorized', 'missing or wrong session token'));
      res.writeHead(204, {
        ...SECURITY_HEADERS,
        'Set-Cookie': sessionCookie(port, cookieSecret),
        'Cache-Control': 'no-store',
      });
      return void res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'GET only', 'text/plain', { Allow: 'GET, HEAD' });

    const media = /^\/(thumb|photo|photothumb)\/([1-9][0-9]{0,15})$/.exec(path);
    if (media) return handleMedia(req, res, media[1]!, Number(media[2]));

    const file = appFile(o.staticDir, path);
    if (!file) {
      const built = appFile(o.staticDir, '/');
      return send(res, 404, built ? 'not found' : 'the renderer is not built: run `npm run build`', 'text/plain');
    }
    if (file.endsWith('.html')) {
      // The page itself is public (it holds no data); it takes the token from its address's fragment.
      return send(res, 200, readStatic(file), 'text/html; charset=utf-8', {
        'Content-Security-Policy': webCsp(port),
        'Cache-Control': 'no-store',
      });
    }
    try {
      await sendFile(req, res, file, { 'Cache-Control': 'no-cache' });
    } catch (err) {
      if (!(err instanceof FileFailed)) throw err;
      send(res, 404, 'not found', 'text/plain');
    }
  }

  const server = createServer((req, res) => {
    res.on('error', () => undefined); // a client gone mid-answer: nothing to do
    handle(req, res).catch((err: unknown) => {
      log(`web door: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) sendResult(res, fail('engine', 'internal error in the web door'));
      else res.destroy();
    });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  wss.on('error', (err) => log(`web door: event socket server: ${err.message}`));
  const sockets = new Set<WebSocket>();
  const unsubscribe = o.host.onEvent((e) => {
    const text = JSON.stringify(e);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text, () => undefined);
  });
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '/').split('?')[0];
    const okReq = path === '/events' && hostAllowed(req, port) && originAllowed(req, port) && cookieOk(req);
    if (!okReq) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      // [Note: event socket errors] A bad frame (over maxPayload, a reserved opcode, an unmasked client frame) makes
      // ws emit 'error' on that socket while it closes it with the right code (1009, 1002); without a listener the
      // 'error' would end the whole process. The socket only speaks: a message from the page closes it too.
      ws.on('error', () => undefined);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', () => ws.close(1008, 'the event socket only speaks'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  server.on('error', (err) => log(`web door: ${err.message}`));
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/#t=${token}`;
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

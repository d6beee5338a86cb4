// Server (web door): who may talk to the door and how much — the session token and cookie, Host and Origin checks, body, depth and upload limits.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Limits of the web door, in one place. */
export const guardOptions = {
  /** JSON body of an ordinary call. */
  maxBody: 1 << 20,
  /** Calls that carry images by value (Verify page drop of two photos: two base64 strings of at most 28 MB). */
  maxUploadBody: 60 << 20,
  uploadMethods: new Set(['verify.images']),
  /** Upload calls read or running at once; more answer 429 before their body is read (see [Note: door limits]). */
  maxUploads: 1,
  /** Nesting depth of a call's JSON body; deeper answers 400 before the engine sees it. */
  maxJsonDepth: 64,
  /** After a 413, how long (and how many more bytes) the door reads and discards so the client sees the answer. */
  drainMs: 2_000,
  drainBytes: 16 << 20,
  tokenBytes: 32,
};

export function newToken(): string {
  return randomBytes(guardOptions.tokenBytes).toString('base64url');
}

/** Constant-time comparison of a presented secret with the expected one. */
export function tokenMatches(expected: string, presented: string | undefined | null): boolean {
  if (!presented) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * [Note: token out of URLs] The session token never travels in a URL, where it would land in history, logs, caches
 * and (with --open) a command line. The printed address carries it in its fragment (`/#t=...`), which a browser never
 * sends to a server; the page reads it once, drops it from history and keeps it in sessionStorage. Calls send it as
 * `Authorization: Bearer <t>` (a header another site cannot set without a CORS preflight this door never grants).
 * Images and the event socket cannot carry a header, so an authenticated POST /session sets a cookie for them: a
 * separate random secret (leaking it never grants a call), HttpOnly (no script reads it), SameSite=Strict (no other
 * site's page sends it), host-only and per port (bound to this door's 127.0.0.1:port; cookies ignore ports, so the
 * name carries it), and a session cookie (gone when the browser closes). The cookie opens photos, thumbnails and
 * the event socket only; `?t=` is accepted nowhere.
 */
export function bearerToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  return undefined;
}

/** The name of this door's session cookie (cookies are per host, not per port: the port makes it this door's). */
export const cookieName = (port: number) => `facelens-session-${port}`;

/** The value of cookie `name` in the request, or undefined. */
export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie header of [Note: token out of URLs]. */
export function sessionCookie(port: number, secret: string): string {
  return `${cookieName(port)}=${secret}; Path=/; HttpOnly; SameSite=Strict`;
}

/**
 * [Note: web door checks] The door listens on 127.0.0.1 only, but a web page from anywhere can still aim
 * requests at it. Three checks keep it the user's: (1) every call and every private file needs the session's secret
 * ([Note: token out of URLs]); (2) the Host header must name this door (127.0.0.1 or localhost with our port), which
 * defeats DNS rebinding; (3) a request carrying an Origin must come from this door's own origin, so another site
 * cannot drive the API or open the event socket even if it guessed nothing.
 */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

/** A call's body must say it is JSON (`application/json`, parameters allowed); anything else answers 415. */
export function isJsonType(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  if (typeof type !== 'string') return false;
  return type.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** Is `value` nested deeper than `max` arrays/objects? Iterative, so a hostile depth cannot overflow the stack. */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return false;
}

/**
 * Reads and discards a body the door will not use (an upload refused with 429), so the client reads the answer
 * instead of a broken pipe; gives up (false) past `maxBytes` or `maxMs`, and the caller then closes the connection.
 */
export function discardBody(req: IncomingMessage, maxBytes: number, maxMs = guardOptions.drainMs): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  return new Promise((resolve) => {
    let seen = 0;
    const timer = setTimeout(() => resolve(false), maxMs);
    req.on('data', (c: Buffer) => {
      seen += c.length;
      if (seen > maxBytes) {
        clearTimeout(timer);
        resolve(false);
      }
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(true);
    });
    req.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/**
 * Reads a request body up to `limit` bytes; refuses at once on a declared Content-Length over it and stops keeping
 * bytes past it. [Note: door limits] A refused body is not kept but still drained for a moment (drainMs, drainBytes),
 * so the client reads the 413 instead of a reset connection; then the connection is closed.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const refuse = () => {
      reject(new BodyTooLarge(limit));
      let drained = 0;
      req.removeAllListeners('data');
      req.on('data', (c: Buffer) => {
        drained += c.length;
        if (drained > guardOptions.drainBytes) req.socket.destroy();
      });
      setTimeout(() => req.socket.destroy(), guardOptions.drainMs).unref();
    };
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) return refuse();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        chunks.length = 0;
        return refuse();
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

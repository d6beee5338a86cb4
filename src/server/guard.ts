// Server (web door): who may talk to the door — the session token, the Host and Origin checks, body size limits.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Limits of the web door, in one place. */
export const guardOptions = {
  /** JSON body of an ordinary call. */
  maxBody: 1 << 20,
  /** Calls that carry images by value (Verify page drop of two photos). */
  maxUploadBody: 64 << 20,
  uploadMethods: new Set(['verify.images']),
  tokenBytes: 32,
};

export function newToken(): string {
  return randomBytes(guardOptions.tokenBytes).toString('base64url');
}

/** Constant-time comparison of a presented token with the session's. */
export function tokenMatches(expected: string, presented: string | undefined | null): boolean {
  if (!presented) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request presents: `Authorization: Bearer <t>` for calls, `?t=<t>` for images and the WebSocket. */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return url.searchParams.get('t') ?? undefined;
}

/**
 * [Note: web door checks] The door listens on 127.0.0.1 only, but a web page from anywhere can still aim
 * requests at it. Three checks keep it the user's: (1) every call and every private file needs the random
 * session token printed in the URL; (2) the Host header must name this door (127.0.0.1 or localhost with our
 * port), which defeats DNS rebinding; (3) a request carrying an Origin must come from this door's own origin,
 * so another site cannot drive the API or open the event socket even if it guessed nothing.
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

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
}

/** Reads a request body up to `limit` bytes; refuses early on Content-Length and stops reading past the limit. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge(limit));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge(limit));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

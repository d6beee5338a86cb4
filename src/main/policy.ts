// Main (Electron, and its unit tests without Electron): the rules security.ts applies — the CSP, where the window may navigate, which links may leave the app.
/**
 * The content security policy of every app response (beside the page's own meta tag, which says the same). The app
 * runs under facelens://, so it needs no WebSocket and no connection anywhere but itself: connect-src is 'self' only.
 */
export const APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: facelens:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * [Note: external links] The app shows no outside web page and has no link that leaves it. A link that asks to open
 * elsewhere (a new window, a target=_blank) goes to the system browser only when its exact https origin is on this
 * list; today the list is empty, so none does. A compromised renderer can thereby not make the system open arbitrary
 * URLs (file:, smb:, custom schemes, or a page that exploits the browser).
 */
export const EXTERNAL_ORIGINS: readonly string[] = [];

export function externalLinkAllowed(url: string, allowed: readonly string[] = EXTERNAL_ORIGINS): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.username === '' && u.password === '' && allowed.includes(u.origin);
}

/** The window shows the app's own pages only (facelens://app/...). */
export function navigationAllowed(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'facelens:' && u.host === 'app';
  } catch {
    return false;
  }
}

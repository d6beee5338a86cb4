// Main (Electron): the security rules every window gets — sandbox, isolation, CSP, no navigation, no new windows, no permissions.
import { shell, type BrowserWindowConstructorOptions, type Session, type WebContents } from 'electron';
import { APP_CSP, externalLinkAllowed, navigationAllowed } from './policy.js';

export { APP_CSP };

export function secureWebPreferences(preload: string): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/**
 * No navigation away from the app, no new windows (a link opens in the system browser only when on the allow-list of
 * [Note: external links], which is empty), no webviews.
 */
export function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (e, url) => {
    if (!navigationAllowed(url)) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!navigationAllowed(url)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (externalLinkAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/** A CSP header on every app response (beside the page's meta tag) and every permission request refused. */
export function lockSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] } });
  });
  session.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.setPermissionCheckHandler(() => false);
}

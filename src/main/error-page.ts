// Main (Electron): the page the window shows when the engine cannot run — what happened, why, and what to do; no script, everything escaped.
import type { OpenFailure } from '../engine/host/open-error.js';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Inline code spans (`like this`) in a fix become <code>; the rest is text. */
const withCode = (s: string) => escape(s).replace(/`([^`]+)`/g, (_m, code: string) => `<code>${code}</code>`);

/** A whole HTML page for a failure; safe under the app's CSP (inline styles only, no script, no remote content). */
export function errorPage(f: OpenFailure): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Facelens — ${escape(f.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#15171c;color:#e8e8ea;display:grid;place-items:center;min-height:100vh}
main{max-width:640px;padding:32px}h1{font-size:20px;margin:0 0 12px}p{margin:8px 0}
code{background:#262a33;padding:1px 5px;border-radius:4px}.muted{color:#9aa0ab}
</style></head>
<body><main data-testid="engine-error">
<h1>${escape(f.title)}</h1>
<p><strong>Why:</strong> ${escape(f.cause)}.</p>
<p><strong>What to do:</strong> ${withCode(f.fix)}</p>
${f.dbPath ? `<p class="muted">Library: <code>${escape(f.dbPath)}</code></p>` : ''}
<p class="muted">Your photos and your library are untouched.</p>
</main></body></html>`;
}

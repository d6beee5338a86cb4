// Types of scripts/chromium.mjs for the TypeScript that imports it (the Playwright config and the UI bench).
export function findChromium(env?: NodeJS.ProcessEnv): string | undefined;
export function ensureChromium(
  env?: NodeJS.ProcessEnv,
  log?: (line: string) => void,
): { path: string; error?: undefined } | { path?: undefined; error: string };

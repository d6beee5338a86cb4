// Server (web door, both threads): giving back the memory of a large upload once it is answered, instead of whenever V8 next collects.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * [Note: memory after uploads] An upload call (two photos as base64, up to 60 MB) leaves a few copies of itself as
 * garbage in the door's thread and the engine's (the body, its text, the parsed strings, the structured clone, the
 * decoded bytes). V8 collects them only when more is allocated, so an idle door would sit on a few hundred MB after
 * one comparison. After an upload is answered, each thread asks for one full collection. `gc` is exposed through a
 * fresh context after setting --expose-gc (it cannot be set on bin/facelens.js's command line for every way Facelens
 * starts); where that is refused, nothing happens and V8 collects later, as before.
 */
let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  } catch {
    collect = null;
  }
  return collect;
}

/** Runs one full garbage collection soon (after the answer went out), at most one pending at a time. */
let pending = false;
export function collectSoon(delayMs = 50): void {
  if (pending) return;
  const gc = collector();
  if (!gc) return;
  pending = true;
  setTimeout(() => {
    pending = false;
    gc();
  }, delayMs).unref();
}

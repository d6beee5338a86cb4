// Test helper: lets a test import the renderer's rune modules (*.svelte.ts); see [Note: rune modules under node:test].
import { register } from 'node:module';

// Import this helper first, then the rune modules with `await import(...)`: static imports are linked before
// this line runs, so they would load without the hooks.
register('./svelte-hooks.mjs', import.meta.url);

// Test helper (node:test, module hooks thread): loads the renderer's rune modules (*.svelte.ts) compiled as the browser gets them.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { compileModule } from 'svelte/compiler';

/**
 * [Note: rune modules under node:test] A `*.svelte.ts` module uses runes ($state, $derived), which only Svelte's
 * compiler understands. These hooks (registered by test/helpers/svelte.ts) make such a module loadable by the
 * project's one test runner: strip its types with TypeScript's transpileModule, compile the JavaScript with
 * svelte/compiler's compileModule for the client (the code Vite ships), and import `svelte` and `svelte/*` from it
 * under the 'browser' condition, so the state runs on Svelte's client runtime (signals, SvelteSet) as in the app.
 * Every other module passes through to the next hooks (tsx) unchanged.
 */
const RUNES = /\.svelte\.(ts|js)$/;

export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL && RUNES.test(context.parentURL) && /^svelte(\/|$)/.test(specifier))
    return nextResolve(specifier, { ...context, conditions: ['browser', ...context.conditions] });
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !RUNES.test(url)) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const source = await readFile(filename, 'utf8');
  const js = url.endsWith('.ts')
    ? ts.transpileModule(source, {
        fileName: filename,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          verbatimModuleSyntax: true,
          sourceMap: false,
        },
      }).outputText
    : source;
  const compiled = compileModule(js, { filename, generate: 'client', dev: false });
  return { format: 'module', source: compiled.js.code, shortCircuit: true };
}

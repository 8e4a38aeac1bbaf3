#!/usr/bin/env node
// Bundles the CLI (dist/cli/main.js, as tsc wrote it) and its dependencies into
// dist/cli-bundle/: one chunk for the entry and the argument parser, one per command (still
// imported lazily: `shrinksim --help` loads no simulator), shared chunks for the rest.
//
// Why: Node 20 has no compile cache for ES modules, and `shrinksim run` loaded ~230 modules
// one by one (95 of them zod's, its locales included, which the CLI never uses): resolving,
// reading and compiling them was more than half the CPU time of a 1-second run. Bundled,
// with zod's and yaml's unused parts left out, a 1-second run takes 0.17 CPU-s instead of
// 0.28 on this machine (bench/startup.bench.mjs).
//
// The library (dist/index.js and the modules under it) stays as tsc writes it; the bundle
// only feeds bin/shrinksim.js and the CLI's sweep workers (dist/cli-bundle/sweep-worker.js,
// found from the package root: src/util/packageRoot.ts). Kept outside: node's built-ins, and
// piscina, which starts its own worker script from its package directory.
// Runs after tsc (`npm run build`, `prepare`, `npm test`, `npm run bench`).
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli-bundle`;
rmSync(outdir, { recursive: true, force: true });
await build({
  // The CLI, and the sweep pool's worker (each worker thread loads its own modules).
  entryPoints: { main: `${root}dist/cli/main.js`, 'sweep-worker': `${root}dist/sweep/worker.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['piscina'],
  // Dependencies written as CommonJS (yaml, commander, seedrandom, …) call `require` for
  // node's built-ins: an ES module has none, so each chunk makes one.
  banner: { js: "import { createRequire as __shrinksimRequire } from 'node:module'; const require = __shrinksimRequire(import.meta.url);" },
  // Linked source maps (.map files beside the chunks): an internal error's stack names chunk
  // lines; `NODE_OPTIONS=--enable-source-maps` turns them into the module files of dist/
  // (tsc's output, named after src/) and their lines. Nothing is
  // read at run time without that flag.
  sourcemap: 'linked',
  logLevel: 'warning',
});

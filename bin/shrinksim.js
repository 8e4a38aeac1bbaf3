#!/usr/bin/env node
// The CLI as scripts/bundle.mjs bundles it (dist/cli/main.js and its dependencies): a
// 1-second run starts in about 60 % of the CPU time the ~230 separate modules took.
import { main } from '../dist/cli-bundle/main.js';

// A reader that stops early (`shrinksim run --json - | head`) closes the pipe: that is the
// reader's choice, not an error of ours. Leave quietly, as `cat` would, with no stack trace.
// Every file output was already written (outputs are written synchronously, as a set).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`shrinksim: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  },
);

#!/usr/bin/env node
// Writes the scenario JSON Schema (what `shrinksim schema` prints) as a file shipped with the
// package: dist/scenario.schema.json by default, or the path given. Runs after tsc (`npm run
// build`), so the file always matches the zod schema it is generated from.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const { scenarioJsonSchema } = await import('../dist/scenario/schema.js');
const out = process.argv[2] ?? fileURLToPath(new URL('../dist/scenario.schema.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);

/**
 * The package's root directory: the nearest directory above this module that holds
 * shrinksim's package.json. Files shipped with the package (scenarios/, the sweep worker in
 * dist/) are found from it, the same from src/ (tests), dist/ (the library, as tsc writes it)
 * and dist/cli-bundle/ (the CLI, bundled: its chunks sit at another depth, so a fixed
 * `../../..` from `import.meta.url` would miss).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && isOurs(pkg)) return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`shrinksim: no package.json of shrinksim above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

function isOurs(pkg: string): boolean {
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'shrinksim';
  } catch {
    return false;
  }
}

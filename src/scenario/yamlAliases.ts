/**
 * YAML anchors and aliases, bounded. An alias (`*x`) stands for the whole value of its anchor
 * (`&x`), so a few lines can expand to billions of values (the "billion laughs" alias bomb),
 * and an alias inside its own anchor makes a cycle. Ordinary use (a shared size, a task
 * reused by a hundred steps) expands to a few values per alias.
 *
 * `checkAliases` counts the values every alias expands to, each anchor's expansion computed
 * once, and refuses a document whose aliases add more than `MAX_ALIAS_EXPANSION` values in
 * all, an alias that refers to a value containing it, or collections nested deeper than
 * `MAX_NESTING` levels, naming the field where it happened.
 * With that bound checked, yaml's own alias heuristic (which also refuses 101 aliases of a
 * number) is not needed.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';
import { formatPath, type PathKey } from './issues.js';

/** Values all aliases of one document may add, in total. */
export const MAX_ALIAS_EXPANSION = 100_000;
/** Collections nested deeper than this are refused (a scenario needs about 6 levels). */
export const MAX_NESTING = 64;

export type AliasProblem = { readonly path: readonly PathKey[]; readonly message: string };

/** The first problem with the document's aliases, or undefined. */
export function checkAliases(doc: Document): AliasProblem | undefined {
  const memo = new Map<Node, number>();
  const open = new Set<Node>();
  let added = 0;
  let problem: AliasProblem | undefined;

  // Values `node` stands for once every alias in it is expanded (iterative over the
  // document's own nesting depth would gain nothing: yaml's parser already recursed it).
  const sizeOf = (node: unknown, path: PathKey[], report: boolean): number => {
    if (problem) return 0;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) return 1;
      if (open.has(target)) {
        problem = { path, message: `the YAML alias *${node.source} refers to a value that contains it (a cycle)` };
        return 0;
      }
      const n = sizeOf(target, path, false);
      if (report) {
        added += n;
        if (added > MAX_ALIAS_EXPANSION && !problem) {
          problem = {
            path,
            message: `YAML aliases expand to more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} values (an alias bomb?); write the values out instead`,
          };
        }
      }
      return n;
    }
    if (!isMap(node) && !isSeq(node)) return 1;
    if (path.length > MAX_NESTING && !problem) {
      problem = { path: path.slice(0, 2), message: `expected values nested at most ${MAX_NESTING} levels deep, got deeper` };
      return 0;
    }
    const cached = memo.get(node);
    if (cached !== undefined && !report) return cached;
    open.add(node);
    let n = 1;
    for (const [i, item] of node.items.entries()) {
      if (isPair(item)) {
        const key = isScalar(item.key) ? String(item.key.value) : i;
        n += sizeOf(item.value, [...path, key], report);
      } else {
        n += sizeOf(item, [...path, i], report);
      }
      if (n > MAX_ALIAS_EXPANSION * 10) break;
    }
    open.delete(node);
    memo.set(node, n);
    return n;
  };
  sizeOf(doc.contents, [], true);
  return problem;
}

export const formatAliasProblem = (label: string, p: AliasProblem): string => `${label}: ${formatPath(p.path)}: ${p.message}`;

/**
 * `shrinksim diff A B [--tolerance t]`: exit 0 when nothing moved, 1 when a metric moved
 * (beyond the tolerance and, between sweep points, beyond seed noise), 2 on bad input.
 */
import type { DiffArgs } from '../parse.js';
import { parseTolerance } from '../../report/baseline.js';
import { diffSides, loadDiffSide, renderDiff } from '../../report/diff.js';

export function diffCommand(args: DiffArgs): number {
  const tolerance = parseTolerance(args.tolerance);
  const a = loadDiffSide(args.a);
  const b = loadDiffSide(args.b);
  const d = diffSides(a, b, tolerance);
  process.stdout.write(renderDiff(a, b, d, tolerance));
  return d.moved.length > 0 ? 1 : 0;
}

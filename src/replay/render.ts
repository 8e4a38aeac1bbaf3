/**
 * The replay report as text: what was read, what was inferred, and (with --compare) how the
 * replay's page events match the capture's.
 */
import { explainDivergence } from './compare.js';
import type { ReplayReport } from './replay.js';

const pct = (a: number, b: number): string => (b === 0 ? '100.00%' : `${((100 * a) / b).toFixed(2)}%`);

export function renderReplay(r: ReplayReport, opts: { compare: boolean }): string {
  const out: string[] = [];
  const s = r.plan.stats;
  const by = r.cut.capturedBy ? `, printed by a ${r.cut.capturedBy} allocator` : '';
  out.push(`replay ${r.file} (kernel ${r.kernel}, ${r.cut.byDebugId ? 'frees by debug id' : 'frees inferred from page events'}${by})`);
  out.push(`  processes: ${r.plan.procs.map((p) => `${p.name}`).join(', ')}`);
  out.push(
    `  read: ${r.input.binderEvents} Binder events, ${r.input.otherEvents} other events, ${r.input.lost.length} lost-event markers` +
      `${r.input.lost.length ? ` (${r.input.lost.reduce((a, l) => a + l.lost, 0)} events lost)` : ''}, ${r.input.outOfOrder} out of timestamp order, ${r.cut.orphans} events outside any operation`,
  );
  out.push(
    `  replayed: ${s.allocs} allocations, ${s.frees} frees (${s.inferred} inferred, ${s.ambiguous} ambiguous, ${s.unmatched} unmatched), ` +
      `${s.shrinkCalls} Binder shrinker calls${r.reclaimFromTrace ? ' (driven from the trace)' : ' (not replayed: the scenario reclaims)'}, ` +
      `${s.incomplete} incomplete operations skipped, ${s.exited} process exits, ${s.procGuessed} allocations with a guessed process`,
  );
  if (s.strayContinuations) out.push(`  ${s.strayContinuations} free segments not replayed`);
  if (r.replay.unknownOwners) out.push(`  ${r.replay.unknownOwners} skipped LRU items whose process could not be placed`);
  const ev = r.run.events;
  out.push(
    `  model: ${ev['binder_alloc_page_end'] ?? 0} installs, ${ev['binder_free_lru_end'] ?? 0} LRU adds, ${ev['binder_alloc_lru_end'] ?? 0} LRU reuses, ` +
      `${ev['binder_unmap_kernel_end'] ?? 0} unmaps, ${ev['binder_update_page_range'] ?? 0} update_page_range`,
  );
  if (!opts.compare) {
    for (const n of r.plan.notes) out.push(`  note: ${n}`);
    return `${out.join('\n')}\n`;
  }
  const t = r.compare.totals;
  out.push(`  page events in order: ${t.matched} of ${t.traceEvents} (${pct(t.matched, t.traceEvents)}); replay emitted ${t.modelEvents}`);
  out.push(`  update_page_range in order: ${t.rangesMatched} of ${t.traceRanges} (${pct(t.rangesMatched, t.traceRanges)}); replay emitted ${t.modelRanges}`);
  out.push(`  all Binder page events as printed (starts, ends, both unmaps, ranges), in order: ${t.allMatched} of ${t.traceAll} (${pct(t.allMatched, t.traceAll)}); replay emitted ${t.modelAll}`);
  out.push(`  pages with the same history: ${t.pagesSame} of ${t.pages}`);
  if (t.modelOutside) out.push(`  page events of the scenario's own reclaim: ${t.modelOutside}`);
  const sh = r.shrink;
  out.push(
    `  shrinker pairs (conform): binder ${sh.pairs} (${sh.exact} exact, ${sh.consistent} consistent, ${sh.mismatched} mismatched); all shrinkers ${sh.allPairs} pairs, ${sh.allMismatched} mismatched`,
  );
  if (r.reclaimFromTrace) {
    const conc = sh.concurrentCounts ? `, ${sh.concurrentCounts} taken during other tasks' operations` : '';
    out.push(`  replayed counts = cache items: ${sh.countsChecked - sh.countsDiffer} of ${sh.countsChecked}${conc}${sh.firstCountDiff ? ` (first: ${sh.firstCountDiff})` : ''}`);
    if (sh.traceSkips || sh.replaySkips) out.push(`  isolate skips (LRU_SKIP): capture ${sh.traceSkips}, replay ${sh.replaySkips}`);
    if (sh.scanLoopMismatch) out.push(`  ${sh.scanLoopMismatch} pairs whose scan loop does not end at the end's total_scan`);
  }
  for (const d of r.compare.divergences) out.push(`  diverges: ${explainDivergence(d)}`);
  for (const n of r.plan.notes) out.push(`  note: ${n}`);
  out.push(`  ${r.diverged ? 'DIVERGED' : 'MATCH'}`);
  return `${out.join('\n')}\n`;
}

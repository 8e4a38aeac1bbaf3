/**
 * `shrinksim conform`'s analysis: paired calls of every file → per-instance seeks/batch →
 * per-pair verdicts → per-file, per-function and total counts.
 *
 * An instance is one shrinker: its scan function plus its `struct shrinker *`. Instances
 * are merged across the files of one run (traces of one boot share pointers); calls overlap
 * only within a file.
 */
import { batchSizeOf } from '../../mm/shrinker/arith.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../shrinkEvents.js';
import { pointerKey } from '../ftrace/shrinkFormat.js';
import { SETS_NR_SCANNED, checkPair, nextDeferredOf, numbersOf, type Concurrency, type PairNumbers, type PairVerdict } from './checkPair.js';
import type { FileScan, ShrinkLine, ShrinkPair } from './collect.js';
import { overlapsOf, type CallSpan } from './concurrency.js';
import { inferBatch, type BatchChoice } from './inferBatch.js';
import { inferSeeks, type SeeksChoice } from './inferSeeks.js';

export interface ConformOptions {
  /** `--seeks fn=N`: fixed seeks for every instance of a scan function. */
  readonly seeks?: ReadonlyMap<string, number>;
  readonly batch?: ReadonlyMap<string, number>;
}

export interface PairResult {
  readonly pair: ShrinkPair;
  readonly numbers: PairNumbers;
  readonly concurrency: Concurrency;
  readonly verdict: PairVerdict;
}

export interface Counts {
  pairs: number;
  exact: number;
  consistent: number;
  mismatched: number;
}

export interface InstanceResult extends Counts {
  readonly fn: string;
  readonly ptr: string;
  /** `%pS` text of the first pair. */
  readonly symbol: string;
  readonly seeks: SeeksChoice;
  readonly batch: BatchChoice;
}

export interface FunctionRow extends Counts {
  readonly fn: string;
  instances: number;
  /** Distinct seeks of its instances, ascending. */
  readonly seeks: number[];
  readonly batch: number[];
}

export interface FileResult extends Counts {
  readonly file: string;
  readonly lines: number;
  readonly otherEvents: number;
  readonly nonEventLines: number;
  readonly unpairedStarts: number;
  readonly unpairedEnds: number;
}

export interface Unpaired {
  readonly file: string;
  readonly kind: 'start-without-end' | 'end-without-start';
  /** In the middle of the capture (not its first/last event of the task): a finding unless the trace reports lost events. */
  readonly midTrace: boolean;
  readonly line: ShrinkLine<MmShrinkSlabStart> | ShrinkLine<MmShrinkSlabEnd>;
}

export interface ConformReport {
  readonly files: FileResult[];
  readonly functions: FunctionRow[];
  readonly instances: InstanceResult[];
  readonly totals: Counts & { unpairedStarts: number; unpairedEnds: number; otherEvents: number; nonEventLines: number };
  /** Every pair, in file order (mismatches are those with verdict 'mismatched'). */
  readonly results: PairResult[];
  readonly unpaired: Unpaired[];
  /**
   * What makes the check fail besides mismatches: a file with no pairs to check (empty,
   * header-only, or without shrinker events), or an event missing in the middle of a trace
   * that reports no lost events (a swapped or deleted line would otherwise pass unseen).
   */
  readonly findings: Finding[];
}

export interface Finding {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

const zero = (): Counts => ({ pairs: 0, exact: 0, consistent: 0, mismatched: 0 });

function count(c: Counts, v: PairVerdict): void {
  c.pairs++;
  c[v.kind]++;
}

export function analyse(scans: readonly FileScan[], opts: ConformOptions = {}): ConformReport {
  // 1. Instances across files.
  const byInstance = new Map<string, { fn: string; ptr: string; pairs: ShrinkPair[]; numbers: PairNumbers[] }>();
  for (const scan of scans) {
    for (const pair of scan.pairs) {
      const key = `${pair.fn}\u0000${pair.ptr}`;
      let inst = byInstance.get(key);
      if (!inst) byInstance.set(key, (inst = { fn: pair.fn, ptr: pair.ptr, pairs: [], numbers: [] }));
      inst.pairs.push(pair);
      inst.numbers.push(numbersOf(pair.start.event, pair.end.event));
    }
  }

  // 2. seeks and batch per instance.
  const models = new Map<string, InstanceResult>();
  for (const [key, inst] of byInstance) {
    const seeks = inferSeeks(
      inst.numbers.map((n) => ({ freeable: n.freeable, priority: n.priority, delta: n.delta })),
      opts.seeks?.get(inst.fn),
    );
    const batch = inferBatch(
      inst.numbers.map((n) => ({ totalScan: n.totalScan, left: n.left, freeable: n.freeable })),
      opts.batch?.get(inst.fn),
    );
    models.set(key, { fn: inst.fn, ptr: inst.ptr, symbol: inst.pairs[0]!.start.event.shr.symbol, seeks, batch, ...zero() });
  }

  // 3. Overlapping calls per file and shrinker, then the verdicts.
  const results: PairResult[] = [];
  const files: FileResult[] = [];
  const unpaired: Unpaired[] = [];
  const findings: Finding[] = [];
  for (const scan of scans) {
    if (scan.pairs.length === 0) {
      findings.push({ file: scan.file, message: `no ${'mm_shrink_slab_start/end'} pairs to check (${scan.lines === 0 ? 'empty file' : 'no shrinker calls in the trace'})` });
    }
    const numbers = scan.pairs.map((p) => numbersOf(p.start.event, p.end.event));
    const conc = concurrencyOf(scan, numbers);
    const fileCounts = zero();
    scan.pairs.forEach((pair, i) => {
      const inst = models.get(`${pair.fn}\u0000${pair.ptr}`)!;
      const n = numbers[i]!;
      const model = { seeks: inst.seeks.seeks, batchSize: batchSizeOf(inst.batch.batch), setsNrScanned: SETS_NR_SCANNED.has(inst.fn) };
      const verdict = checkPair(n, model, conc[i]!);
      count(fileCounts, verdict);
      count(inst, verdict);
      results.push({ pair, numbers: n, concurrency: conc[i]!, verdict });
    });
    const mid = (n: number): boolean => scan.midTraceOrphanLines.has(n);
    const lost: Unpaired[] = [
      ...scan.orphanStarts.map((line) => ({ file: scan.file, kind: 'start-without-end' as const, midTrace: mid(line.lineNo), line })),
      ...scan.orphanEnds.map((line) => ({ file: scan.file, kind: 'end-without-start' as const, midTrace: mid(line.lineNo), line })),
    ].sort((a, b) => a.line.lineNo - b.line.lineNo);
    unpaired.push(...lost);
    if (!scan.reportsLostEvents) {
      for (const u of lost.filter((x) => x.midTrace)) {
        const what = u.kind === 'start-without-end' ? 'has no mm_shrink_slab_end' : 'has no mm_shrink_slab_start';
        findings.push({ file: scan.file, line: u.line.lineNo, message: `${u.kind === 'start-without-end' ? 'mm_shrink_slab_start' : 'mm_shrink_slab_end'} of pid ${u.line.rec.pid} ${what} in the middle of a trace that reports no lost events` });
      }
    }
    files.push({
      file: scan.file,
      lines: scan.lines,
      otherEvents: scan.otherEvents,
      nonEventLines: scan.nonEventLines,
      unpairedStarts: scan.orphanStarts.length,
      unpairedEnds: scan.orphanEnds.length,
      ...fileCounts,
    });
  }

  // 4. Rows per function, and totals.
  const instances = [...models.values()].sort((a, b) => (a.fn === b.fn ? (a.ptr < b.ptr ? -1 : 1) : a.fn < b.fn ? -1 : 1));
  const rows = new Map<string, FunctionRow>();
  for (const inst of instances) {
    let row = rows.get(inst.fn);
    if (!row) rows.set(inst.fn, (row = { fn: inst.fn, instances: 0, seeks: [], batch: [], ...zero() }));
    row.instances++;
    for (const k of ['pairs', 'exact', 'consistent', 'mismatched'] as const) row[k] += inst[k];
    if (!row.seeks.includes(inst.seeks.seeks)) row.seeks.push(inst.seeks.seeks);
    if (!row.batch.includes(inst.batch.batch)) row.batch.push(inst.batch.batch);
  }
  const functions = [...rows.values()];
  for (const r of functions) {
    r.seeks.sort((a, b) => a - b);
    r.batch.sort((a, b) => a - b);
  }
  const totals = { ...zero(), unpairedStarts: 0, unpairedEnds: 0, otherEvents: 0, nonEventLines: 0 };
  for (const f of files) {
    for (const k of ['pairs', 'exact', 'consistent', 'mismatched', 'unpairedStarts', 'unpairedEnds', 'otherEvents', 'nonEventLines'] as const) {
      totals[k] += f[k];
    }
  }
  return { files, functions, instances, totals, results, unpaired, findings };
}

/** Overlap of each pair of a file with other tasks' calls on the same shrinker. */
function concurrencyOf(scan: FileScan, numbers: readonly PairNumbers[]): Concurrency[] {
  const groups = new Map<string, { spans: CallSpan[]; pairIndex: number[] }>();
  const group = (ptr: string) => {
    let g = groups.get(ptr);
    if (!g) groups.set(ptr, (g = { spans: [], pairIndex: [] }));
    return g;
  };
  scan.pairs.forEach((p, i) => {
    const g = group(p.ptr);
    g.spans.push({ startLine: p.start.lineNo, endLine: p.end.lineNo, pid: p.start.rec.pid, added: nextDeferredOf(numbers[i]!) });
    g.pairIndex.push(i);
  });
  for (const end of scan.orphanEnds) {
    // Its start is before the trace began; all we know is an upper bound of its add.
    const ptr = pointerKey(end.event.shr.ptr);
    const s = end.event.newScan;
    group(ptr).spans.push({ startLine: 0, endLine: end.lineNo, pid: end.rec.pid, added: s > 0n ? s : 0n });
  }
  const out: Concurrency[] = numbers.map(() => ({ calls: 0, maxAdded: 0n }));
  for (const g of groups.values()) {
    const conc = overlapsOf(g.spans);
    g.pairIndex.forEach((pi, k) => {
      out[pi] = conc[k]!;
    });
  }
  return out;
}

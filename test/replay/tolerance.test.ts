/**
 * What real captures contain: inference of frees (with its ambiguities), trace-cmd report
 * layout, lost-event markers, CPU buffers out of order, a missing header, pids reused, and
 * files with no Binder events. The capture is tests/replay/smallTrace.ts, written by hand
 * from binder_alloc.c (6.12).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseFtraceLine } from '../../src/trace/ftrace/parse.js';
import { replayLines, type ReplayReport } from '../../src/replay/replay.js';
import { isUserError } from '../../src/util/errors.js';
import { kernelText, linesOf, SMALL, traceCmdText, type Line } from './smallTrace.js';

const replay = (text: string, reclaimFromTrace = true): ReplayReport => replayLines('small.txt', linesOf(text), { reclaimFromTrace });

/** 6 allocations; installs 0, 1, 2; LRU adds 1, 2; unmaps 1, 2. */
const SMALL_PAGE_EVENTS = 3 + 2 + 2;

describe('inferring frees from page events', () => {
  const r = replay(kernelText());

  it('finds both frees, counts the ambiguous one (B, C, D, E all print offset=4096 size=-4096)', () => {
    expect(r.cut.byDebugId).toBe(false);
    const s = r.plan.stats;
    expect([s.allocs, s.frees, s.inferred, s.ambiguous, s.unmatched, s.strayContinuations]).toEqual([6, 2, 2, 1, 0, 0]);
    // Buffers are named by their alloc_buf's transaction. The oldest candidate is taken: B
    // (transaction 2), not the C (3) the kernel freed.
    const frees = r.plan.steps.filter((x) => x.kind === 'free');
    expect(frees.map((f) => (f.kind === 'free' ? f.buffer : ''))).toEqual(['t2', 't6']);
  });

  it("merges F's second segment (the free tail's start page) into F's free", () => {
    const f = r.plan.steps.find((x) => x.kind === 'free' && x.buffer === 't6');
    expect(f?.kind === 'free' ? f.merged.length : -1).toBe(1);
  });

  it('replays every page event in order and the shrinker pair exactly', () => {
    const t = r.compare.totals;
    expect([t.traceEvents, t.matched, t.modelEvents]).toEqual([SMALL_PAGE_EVENTS, SMALL_PAGE_EVENTS, SMALL_PAGE_EVENTS]);
    expect([t.traceRanges, t.rangesMatched]).toEqual([9, 9]);
    expect([r.shrink.pairs, r.shrink.exact, r.shrink.countsDiffer]).toEqual([1, 1, 0]);
    expect(r.diverged).toBe(false);
  });

  it('without --reclaim-from-trace the shrinker call is not replayed: the pages stay listed', () => {
    const w = replay(kernelText(), false);
    expect(w.compare.totals.traceEvents).toBe(SMALL_PAGE_EVENTS - 2);
    expect(w.run.events['binder_unmap_kernel_end']).toBe(0);
    expect(w.diverged).toBe(false);
  });
});

describe('captures that are not ours', () => {
  it('reads trace-cmd report output (cpus= preamble, no flags, 9-digit timestamps, padded names) the same way', () => {
    const k = replay(kernelText());
    const t = replay(traceCmdText());
    expect(t.compare.totals).toEqual(k.compare.totals);
    expect(t.plan.stats).toEqual(k.plan.stats);
    expect(t.diverged).toBe(false);
  });

  it('replays the real p2 capture rewritten as trace-cmd report prints it, 100 % in order', () => {
    const file = join(import.meta.dirname, '..', 'fixtures', 'linux-6.12.95', 'trace_p2_binder_drop_caches.txt.gz');
    const text = gunzipSync(readFileSync(file)).toString('utf8');
    const rewritten = ['cpus=2'];
    for (const l of text.split('\n')) {
      const r = parseFtraceLine(l);
      if (!r) continue;
      rewritten.push(`${r.comm.padStart(16)}-${r.pid} [${String(r.cpu).padStart(3, '0')}] ${r.ts}123: ${`${r.event}:`.padEnd(31)} ${r.body}`);
    }
    const t = replay(rewritten.join('\n')).compare.totals;
    expect([t.traceEvents, t.matched, t.traceAll, t.allMatched]).toEqual([7279, 7279, 17664, 17664]);
  });

  it('needs no header', () => {
    expect(replay(kernelText(SMALL, false)).compare.totals.matched).toBe(SMALL_PAGE_EVENTS);
  });

  it("sorts CPU buffers printed one after the other back into timestamp order", () => {
    const text = kernelText();
    const lines = text.split('\n');
    const cpu0 = lines.filter((l) => l.includes('[000]'));
    const rest = lines.filter((l) => !l.includes('[000]'));
    const r = replay([...rest, ...cpu0].join('\n'));
    expect(r.input.outOfOrder).toBeGreaterThan(0);
    expect(r.compare.totals.matched).toBe(SMALL_PAGE_EVENTS);
    expect(r.diverged).toBe(false);
  });

  it('a lost-events marker: the allocation it cut is skipped and counted, both segments of its free are unmatched', () => {
    const lines = kernelText().split('\n');
    const at = lines.findIndex((l) => l.includes('transaction=6 data_size=8192'));
    lines.splice(at, 1, 'CPU:0 [LOST 1 EVENTS]');
    const r = replay(lines.join('\n'));
    expect(r.input.lost).toEqual([{ lineNo: at + 1, cpu: 0, lost: 1 }]);
    expect(r.plan.stats.incomplete).toBe(1);
    expect(r.plan.stats.unmatched).toBe(2);
    expect(r.plan.notes[0]).toMatch(/^line \d+: alloc skipped: /);
    expect(r.diverged).toBe(true);
  });

  it('a pid reused by a new process (its own task prints another comm) is a new mapping; the old one is released', () => {
    const later: Line[] = [
      ['newproc', 10, 1, '.....', 'binder_transaction', 'transaction=7 dest_node=1 dest_proc=11 dest_thread=0 reply=0 flags=0x0 code=0x1'],
      ['client', 11, 0, '...1.', 'binder_update_page_range', 'proc=10 allocate=1 offset=0 size=4096'],
      ['client', 11, 0, '.....', 'binder_alloc_page_start', 'proc=10 page_index=0'],
      ['client', 11, 0, '.....', 'binder_alloc_page_end', 'proc=10 page_index=0'],
      ['client', 11, 0, '.....', 'binder_transaction_alloc_buf', 'transaction=8 data_size=100 offsets_size=0 extra_buffers_size=0'],
    ];
    const r = replay(kernelText([...SMALL, ...later]));
    expect(r.plan.procs.map((p) => p.name)).toEqual(['server-10', 'newproc-10#2']);
    expect(r.plan.steps.filter((s) => s.kind === 'release').map((s) => (s.kind === 'release' ? s.proc : ''))).toEqual(['server-10']);
    expect(r.compare.totals.matched).toBe(SMALL_PAGE_EVENTS + 1);
    expect(r.diverged).toBe(false);
  });

  it('a file with no Binder events is a user error naming the file', () => {
    let caught: unknown;
    try {
      replayLines('p1.txt', linesOf(kernelText([['init', 1, 0, '.....', 'tracing_mark_write', 'hello']])), { reclaimFromTrace: false });
    } catch (e) {
      caught = e;
    }
    expect(isUserError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/^p1\.txt: no Binder events/);
  });
});

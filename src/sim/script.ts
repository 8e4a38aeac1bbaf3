/**
 * The scenario's script, step by step: each step runs at the current simulated time as the
 * script task; `advance` lets the loop run the queued events up to the new time. Every step's
 * outcome (and every snapshot) goes to the recorders; a failed step is a value (errno and
 * message), and the script goes on.
 */
import { assertNever } from '../util/assertNever.js';
import type { StepOutcome } from '../report/result.js';
import type { ResolvedStep, StepName } from '../scenario/types.js';
import { poolOwner, type Machine } from './machine.js';

type Detail = Record<string, number | string | bigint>;
type ActionStep = Exclude<ResolvedStep, { kind: 'advance' }>;

/** Runs the whole script in order on `m` (its loop runs the events between steps). */
export function runScript(m: Machine): void {
  const tp = m.tp;
  m.resolved.script.forEach((step, index) => {
    let outcome: StepOutcome;
    if (step.kind === 'advance') {
      m.loop.runUntil(m.now + step.by);
      outcome = { index, kind: step.kind, timeNs: m.now, ok: true };
    } else {
      outcome = runStep(m, step, index);
    }
    if (tp.enabled.step) tp.emit({ kind: 'step', outcome });
  });
}

function nameOf(step: ResolvedStep): StepName {
  return step.kind === 'binder' ? step.op : step.kind;
}

function ok(m: Machine, index: number, step: ResolvedStep, detail?: Detail): StepOutcome {
  const kind = nameOf(step);
  return detail ? { index, kind, timeNs: m.now, ok: true, detail } : { index, kind, timeNs: m.now, ok: true };
}

function fail(m: Machine, index: number, step: ResolvedStep, error: string, message: string): StepOutcome {
  return { index, kind: nameOf(step), timeNs: m.now, ok: false, error, message };
}

/** One non-`advance` step. */
export function runStep(m: Machine, step: ActionStep, index: number): StepOutcome {
  const task = m.resolved.scriptTask;
  switch (step.kind) {
    case 'binder': {
      const r = m.binder.step(step.step, task);
      if ('alloc' in step.step) m.binder.noteAlloc(step.step.alloc.proc, r.ok ? null : r.error);
      if (!r.ok) return fail(m, index, step, r.error, r.reason);
      return ok(m, index, step, flatten(r.detail));
    }
    case 'drop_caches': {
      const r = m.dropCaches(step.mode, task);
      return ok(m, index, step, {
        pageCacheDropped: r.pageCacheDropped,
        slabRounds: r.slabRounds.length,
        slabFreed: r.slabRounds.reduce((a, b) => a + b, 0n),
        slabPagesFreed: r.slabPagesFreed,
      });
    }
    case 'shrink_slab': {
      if (step.nid < 0 || step.nid >= m.nrNodes) return fail(m, index, step, 'EINVAL', `shrink_slab: no node ${step.nid}`);
      const memcg = m.memcgOf(step.memcg);
      if (memcg === undefined) return fail(m, index, step, 'ENOENT', `shrink_slab: no memcg "${step.memcg}"`);
      const r = m.shrinkSlab('shrink_slab', task, step.gfp.mask, step.nid, memcg, step.priority);
      m.noteFree();
      return ok(m, index, step, { freed: r.freed, slabPagesFreed: r.slabPagesFreed + (r.binderPagesFreed ?? 0) });
    }
    case 'debugfs_count': {
      const e = m.findShrinker(step.shrinker);
      if (e < 0) return fail(m, index, step, 'ENOENT', `debugfs: no shrinker "${step.shrinker}"`);
      const text = m.debugfsCount(e);
      const total = text
        .split('\n')
        .filter((l) => l.length > 0)
        .reduce((s, l) => s + l.split(' ').slice(1).reduce((a, v) => a + BigInt(v), 0n), 0n);
      return ok(m, index, step, { count: total, text });
    }
    case 'debugfs_scan': {
      const e = m.findShrinker(step.shrinker);
      if (e < 0) return fail(m, index, step, 'ENOENT', `debugfs: no shrinker "${step.shrinker}"`);
      const memcg = step.memcg === null ? null : m.memcgByName.get(step.memcg);
      if (memcg === undefined) return fail(m, index, step, 'ENOENT', `debugfs: no memcg "${step.memcg}"`);
      const ino = memcg === null ? 0 : memcg.ino;
      const before = m.countOf(e);
      const r = m.debugfsScan(e, `${ino} ${step.nid} ${step.nr}`, step.nr, task);
      if (!r.result.ok) return fail(m, index, step, r.result.errno, `debugfs scan of "${step.shrinker}": ${r.result.errno}`);
      return ok(m, index, step, { bytes: r.result.bytes, countBefore: before, countAfter: m.countOf(e), pagesFreed: r.pagesFreed });
    }
    case 'memory_reclaim': {
      const memcg = m.memcgOf(step.memcg);
      if (memcg === undefined) return fail(m, index, step, 'ENOENT', `memory.reclaim: no memcg "${step.memcg}"`);
      const r = m.memoryReclaim(memcg, step.pages, step.swappiness === null || step.swappiness > 0, task);
      if (!r.ok) return fail(m, index, step, r.errno, `memory.reclaim: ${r.nrReclaimed} of ${step.pages} pages after ${r.calls} tries`);
      return ok(m, index, step, { reclaimed: r.nrReclaimed, calls: r.calls });
    }
    case 'allocate': {
      const r = m.allocateCharged(step.pool, step.pages, step.gfp.mask, step.task, step.memcg);
      if (!r.ok) return fail(m, index, step, r.error === 'oom' ? 'ENOMEM' : 'EAGAIN', `allocation of ${step.pages} pages failed (${r.error})`);
      return ok(m, index, step);
    }
    case 'release_pages':
      return ok(m, index, step, { released: m.release(step.pool, step.pages) });
    case 'snapshot':
      snapshot(m, step.label);
      return ok(m, index, step);
    default:
      return assertNever(step);
  }
}

/** A `snapshot` step: every Binder process's pages, buffers (by offset) and counts. */
function snapshot(m: Machine, label: string): void {
  if (!m.tp.enabled.snapshot) return;
  const snap = m.binder.snapshot();
  m.tp.emit({
    kind: 'snapshot',
    snapshot: {
      label,
      binder: {
        procs: snap.procs.map((p) => ({
          name: p.name,
          pages: p.pages,
          buffers: p.buffers.map((b) => ({ name: b.name ?? '', offset: b.offset, size: b.size, free: b.free })),
          counts: { active: p.counts.active, lru: p.counts.lru, free: p.counts.free },
        })),
      },
    },
  });
}

/** Step details as flat scalars: nested objects become `a.b` keys; other values are dropped. */
export function flatten(detail: Readonly<Record<string, unknown>> | undefined, prefix = ''): Detail | undefined {
  if (!detail) return undefined;
  const out: Detail = {};
  for (const [k, v] of Object.entries(detail)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint') out[key] = v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, key));
  }
  return Object.keys(out).length ? out : undefined;
}

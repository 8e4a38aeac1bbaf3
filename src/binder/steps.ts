/**
 * Binder's script steps: building a system from the scenario's `binder:` section, applying one
 * step at a simulated time, and the snapshot JSON.
 *
 * Every failure of a step is a value (`{ ok: false, error, reason }`) with the kernel's errno
 * and log reason; the run goes on. Only malformed input (unknown fields, bad sizes) is a
 * `UserError`, and the scenario loader meets it before the run starts.
 */
import type { SimTimeNs } from '../mm/locks.js';
import { assertNever } from '../util/assertNever.js';
import { UserError } from '../util/errors.js';
import { CBuffer } from './cAlloc.js';
import type { BinderErrno } from './env.js';
import type { SkipReason } from './lockOrder.js';
import type { BinderProc, BufferHandle } from './proc.js';
import {
  binderConfigSchema,
  binderStepSchema,
  type BinderConfigInput,
  type BinderStep,
} from './schema.js';
import { BinderSystem, type BinderSystemOptions, type TaskRef } from './system.js';

export type StepOutcome =
  | { readonly ok: true; readonly detail?: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly error: BinderErrno | 'EBUSY'; readonly reason: string };

export interface BinderBufferSnapshot {
  readonly name: string | null;
  readonly offset: number;
  readonly size: number;
  readonly free: boolean;
}

export interface BinderProcSnapshot {
  readonly name: string;
  readonly pages: string;
  readonly buffers: BinderBufferSnapshot[];
  readonly counts: { active: number; lru: number; free: number };
}

export interface BinderSnapshot {
  readonly procs: BinderProcSnapshot[];
}

/** One line of a zod issue list: `path: message`. */
function issueLine(where: string, e: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const i = e.issues[0];
  const path = i && i.path.length ? `${where}.${i.path.map(String).join('.')}` : where;
  return `${path}: ${i ? i.message : 'invalid'}`;
}

/** Validates a `binder:` section; throws a one-line UserError naming the field. */
export function parseBinderConfig(raw: unknown, where = 'binder') {
  const r = binderConfigSchema.safeParse(raw);
  if (!r.success) throw new UserError(issueLine(where, r.error));
  return r.data;
}

/** Validates one step object of the YAML shape; throws a one-line UserError naming the field. */
export function parseBinderStep(raw: unknown, where = 'script[]'): BinderStep {
  const r = binderStepSchema.safeParse(raw);
  if (!r.success) throw new UserError(issueLine(where, r.error));
  return r.data;
}

/**
 * Builds the system of a scenario's `binder:` section (validated here if not already). With
 * `opts.registry`, the Binder shrinker(s) are registered there now, after whatever the caller
 * registered before (so shrinkSlab / dropSlab / debugfs on that registry reach Binder);
 * without, in a private registry of their own.
 */
export function createBinderSystem(
  config: BinderConfigInput,
  opts: Omit<BinderSystemOptions, 'procs'> = {},
): BinderSystem {
  const c = parseBinderConfig(config);
  return new BinderSystem({
    ...opts,
    procs: c.procs.map((p, i) => ({ name: p.name, pid: p.pid ?? 100 + 2 * i, mmapBytes: p.mmap, driver: p.driver })),
  });
}

const err = (error: BinderErrno | 'EBUSY', reason: string): StepOutcome => ({ ok: false, error, reason });

function taskOf(system: BinderSystem, p: BinderProc, t?: { comm: string; pid: number; cpu: number }): TaskRef {
  return t ?? system.procTask(p);
}

/** Which step key a parsed step has. */
export function binderStepKey(step: BinderStep): string {
  return Object.keys(step)[0] as string;
}

/**
 * Applies one Binder step at simulated time `now` (ns). Returns the outcome as a value; the
 * snapshot step's detail carries `{ label, binder }`.
 */
export function applyBinderStep(system: BinderSystem, s: BinderStep, now: SimTimeNs): StepOutcome {
  system.setNow(now);
  if ('alloc' in s) {
    const a = s.alloc;
    const p = system.proc(a.proc);
    if (!p) return err('EINVAL', `no binder process named "${a.proc}"`);
    const prior = p.named.get(a.buffer);
    if (prior && system.isLive(p, prior)) {
      return err('EBUSY', `buffer "${a.buffer}" is still allocated`);
    }
    const r = system.allocBuffer(p, a.data, a.offsets ?? 0n, a.extra ?? 0n, a.oneway, taskOf(system, p, a.task));
    if (!r.ok) return err(r.error, r.reason);
    p.named.set(a.buffer, r.buffer);
    return { ok: true, detail: { offset: r.buffer instanceof CBuffer ? r.buffer.start : r.buffer.offset, size: r.size } };
  }
  if ('free' in s) {
    const f = s.free;
    const p = system.proc(f.proc);
    if (!p) return err('EINVAL', `no binder process named "${f.proc}"`);
    const b = p.named.get(f.buffer);
    // BC_FREE_BUFFER of an unknown pointer: binder logs "no match" and ignores it.
    if (!b || !system.isLive(p, b)) return err('ENOENT', `no allocated buffer named "${f.buffer}"`);
    system.freeBuffer(p, b, taskOf(system, p, f.task));
    p.named.delete(f.buffer);
    return { ok: true };
  }
  if ('lock' in s) {
    const l = s.lock;
    const p = system.proc(l.proc);
    if (!p) return err('EINVAL', `no binder process named "${l.proc}"`);
    const task = l.task ?? `${l.lock}-holder`;
    switch (l.lock) {
      case 'mmap':
        p.mmapLock.hold(task, l.mode ?? 'write', now, l.hold);
        p.mmapTrylockFailures = l.trylocks ?? 0;
        break;
      case 'alloc':
        p.allocLock.hold(task, 'exclusive', now, l.hold);
        break;
      case 'mm_mutex':
        if (p.driver !== 'rust') return err('EINVAL', 'mm_mutex exists only in the Rust driver');
        p.mmMutex.hold(task, 'exclusive', now, l.hold);
        break;
      default:
        return assertNever(l.lock);
    }
    return { ok: true };
  }
  if ('unlock' in s) {
    const u = s.unlock;
    const p = system.proc(u.proc);
    if (!p) return err('EINVAL', `no binder process named "${u.proc}"`);
    const task = u.task ?? `${u.lock}-holder`;
    let lock;
    switch (u.lock) {
      case 'mmap':
        lock = p.mmapLock;
        break;
      case 'alloc':
        lock = p.allocLock;
        break;
      case 'mm_mutex':
        if (p.driver !== 'rust') return err('EINVAL', 'mm_mutex exists only in the Rust driver');
        lock = p.mmMutex;
        break;
      default:
        return assertNever(u.lock);
    }
    // Unlocking a lock one does not hold is a bug in the caller; here it is a step error.
    if (lock.release(task, now) === 0) return err('EPERM', `${u.lock} lock of "${u.proc}" is not held by ${task}`);
    return { ok: true };
  }
  if ('shrink' in s) {
    const before = { ...system.skipsByReason() };
    if (s.shrink.nr === 'all') {
      const r = system.shrinkAll(s.shrink.driver);
      return { ok: true, detail: { freed: r.freed, walks: r.walks, skipped: skipDelta(before, system.skipsByReason()) } };
    }
    const freed = system.shrinkWalk(s.shrink.nr, s.shrink.driver);
    return { ok: true, detail: { freed, skipped: skipDelta(before, system.skipsByReason()) } };
  }
  if ('drop_caches' in s) {
    const r = system.dropCaches();
    return { ok: true, detail: { freed: r.freed, passes: r.passes } };
  }
  if ('debugfs_scan' in s) {
    const d = s.debugfs_scan;
    const sh = findShrinker(system, d.shrinker);
    if (!sh) return err('ENOENT', `no shrinker named "${d.shrinker}"`);
    // A non-memcg-aware shrinker's scan file takes inode 0; nid must be a possible node.
    const r = system.debugfsScan(sh, `0 ${d.nid} ${BigInt(d.nr)}`);
    if (!r.result.ok) {
      const why = d.nid >= system.nrNodes ? `nid ${d.nid} is not a node` : `debugfs scan of "${d.shrinker}" refused`;
      return err(r.result.errno === 'ENOENT' ? 'ENOENT' : 'EINVAL', why);
    }
    return { ok: true, detail: { freed: r.freed } };
  }
  if ('snapshot' in s) {
    return { ok: true, detail: { label: s.snapshot.label, binder: binderSnapshot(system) } };
  }
  if ('mm_exit' in s || 'munmap' in s || 'remap_foreign' in s || 'release' in s) {
    const name = 'mm_exit' in s ? s.mm_exit.proc : 'munmap' in s ? s.munmap.proc : 'remap_foreign' in s ? s.remap_foreign.proc : s.release.proc;
    const p = system.proc(name);
    if (!p) return err('EINVAL', `no binder process named "${name}"`);
    if ('mm_exit' in s) {
      p.mmAlive = false;
      p.vma = 'unmapped';
    } else if ('munmap' in s) p.vma = 'unmapped';
    else if ('remap_foreign' in s) p.vma = 'foreign';
    else {
      const r = system.releaseProc(p);
      p.named.clear();
      p.mmAlive = false;
      p.vma = 'unmapped';
      return { ok: true, detail: r };
    }
    return { ok: true };
  }
  if ('fail_page_alloc' in s) {
    const p = system.proc(s.fail_page_alloc.proc);
    if (!p) return err('EINVAL', `no binder process named "${s.fail_page_alloc.proc}"`);
    p.failPageAlloc.add(s.fail_page_alloc.page);
    return { ok: true };
  }
  return assertNever(s);
}

function skipDelta(
  before: Partial<Record<SkipReason, number>>,
  after: Partial<Record<SkipReason, number>>,
): Partial<Record<SkipReason, number>> {
  const out: Partial<Record<SkipReason, number>> = {};
  for (const [k, v] of Object.entries(after) as [SkipReason, number][]) {
    const d = v - (before[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

/**
 * A Binder shrinker by its debugfs directory (`android-binder-<id>`, the id the registry's
 * IDA gave it), or plain `android-binder` for the first one.
 */
function findShrinker(system: BinderSystem, name: string) {
  if (name === 'android-binder') return system.shrinkers[0];
  return system.shrinkerByDebugfsName(name);
}

/**
 * The `binder` part of a snapshot: per process, pages, buffers (by offset) and counts. Buffers
 * are named by the script's names and by `labels` (the names generators give their buffers).
 */
export function binderSnapshot(
  system: BinderSystem,
  labels?: (procIndex: number) => Iterable<readonly [BufferHandle, string]>,
): BinderSnapshot {
  return {
    procs: system.procs.map((p, i) => {
      const names = new Map<number, string>();
      for (const [n, b] of p.named) {
        if (system.isLive(p, b)) names.set(b instanceof CBuffer ? b.start : b.offset, n);
      }
      if (labels) {
        for (const [b, n] of labels(i)) {
          if (system.isLive(p, b)) names.set(b instanceof CBuffer ? b.start : b.offset, n);
        }
      }
      return {
        name: p.name,
        pages: p.pages.stateString(),
        buffers: p.alloc.buffers().map((b) => ({
          name: b.free ? null : (names.get(b.offset) ?? null),
          offset: b.offset,
          size: b.size,
          free: b.free,
        })),
        counts: p.pages.counts(),
      };
    }),
  };
}

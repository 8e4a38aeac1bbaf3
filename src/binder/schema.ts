/**
 * The scenario shapes of Binder: the `binder:` section and the script steps that address
 * Binder processes, as zod schemas (the scenario loader validates with these) and types.
 */
import { z } from 'zod';
import { parseTime } from '../scenario/units.js';
import { parseByteSize } from './constants.js';

const SIZE_TEXT = 'a size like 128KiB, 4MiB or a byte count';

/** A byte size: a non-negative integer, or text with a unit. */
export const byteSizeSchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = parseByteSize(v);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected ${SIZE_TEXT}, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});

/** A transaction size: like a byte size but kept exact as a size_t (bigint), up to 2^64-1. */
export const sizeTSchema = z.union([z.number(), z.string(), z.bigint()]).transform((v, ctx) => {
  let n: bigint | undefined;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number') n = Number.isSafeInteger(v) && v >= 0 ? BigInt(v) : undefined;
  else if (/^\d+$/.test(v.trim())) n = BigInt(v.trim());
  else {
    const b = parseByteSize(v);
    n = b === undefined ? undefined : BigInt(b);
  }
  if (n === undefined || n < 0n || n >= 1n << 64n) {
    ctx.addIssue({ code: 'custom', message: `expected a size in bytes (0 … 2^64-1), got ${JSON.stringify(String(v))}` });
    return z.NEVER;
  }
  return n;
});

/**
 * Parses `10ms`, `5us`, `100ns`, `2s` or `0` (the scenario's one units parser,
 * src/scenario/units.ts: a bare non-zero number is refused, as is a fraction of a ns).
 */
export function parseDurationNs(v: string | number): number | undefined {
  const r = parseTime(v);
  return r.ok ? r.value : undefined;
}

export const durationSchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const r = parseTime(v);
  if (!r.ok) {
    ctx.addIssue({ code: 'custom', message: r.message, input: v });
    return z.NEVER;
  }
  return r.value;
});

export const binderProcSchema = z
  .object({
    name: z.string().min(1),
    mmap: byteSizeSchema,
    driver: z.enum(['c', 'rust']).default('c'),
    /** The pid tracepoints print as `proc=`; default 100 + 2·index. */
    pid: z.number().int().positive().optional(),
  })
  .strict();

export const binderConfigSchema = z.object({ procs: z.array(binderProcSchema).min(1) }).strict();
export type BinderConfig = z.output<typeof binderConfigSchema>;
export type BinderConfigInput = z.input<typeof binderConfigSchema>;

const taskSchema = z.object({ comm: z.string().min(1), pid: z.number().int().nonnegative(), cpu: z.number().int().nonnegative().default(0) }).strict();

export const allocStepSchema = z
  .object({
    proc: z.string(),
    buffer: z.string(),
    data: sizeTSchema,
    offsets: sizeTSchema.optional(),
    extra: sizeTSchema.optional(),
    oneway: z.boolean().default(false),
    task: taskSchema.optional(),
  })
  .strict();

export const freeStepSchema = z.object({ proc: z.string(), buffer: z.string(), task: taskSchema.optional() }).strict();

export const lockStepSchema = z
  .object({
    proc: z.string(),
    /** mmap: the mm's mmap lock; alloc: alloc->lock (C) / the range spinlock (Rust); mm_mutex: Rust's range mm_lock. */
    lock: z.enum(['mmap', 'alloc', 'mm_mutex']),
    hold: durationSchema,
    /** For `mmap` only: a writer (mmap/munmap/page install, the default) or a reader (page fault). */
    mode: z.enum(['read', 'write']).optional(),
    task: z.string().optional(),
    /**
     * For `mmap` only: the shrinker's next N read-trylocks of this mmap lock fail whatever
     * the time (a writer that lets go in the middle of a walk, as a replayed capture shows).
     */
    trylocks: z.number().int().positive().optional(),
  })
  .strict();

/**
 * Releases, before its `hold` ends, a lock the script's holder took with `lock:` (same
 * `task`, default `<lock>-holder`). Not held at that moment ⇒ an error value (EPERM).
 */
export const unlockStepSchema = z
  .object({
    proc: z.string(),
    lock: z.enum(['mmap', 'alloc', 'mm_mutex']),
    task: z.string().optional(),
  })
  .strict();

export const shrinkStepSchema = z
  .object({ nr: z.union([z.number().int().nonnegative(), z.literal('all')]), driver: z.enum(['c', 'rust']).optional() })
  .strict();

export const debugfsScanStepSchema = z
  .object({ shrinker: z.string(), nid: z.number().int().nonnegative().default(0), nr: z.number().int().nonnegative() })
  .strict();

const procOnly = z.object({ proc: z.string() }).strict();

/** Every Binder step, keyed as in the YAML script (`- alloc: {...}`). */
export const binderStepSchema = z.union([
  z.object({ alloc: allocStepSchema }).strict(),
  z.object({ free: freeStepSchema }).strict(),
  z.object({ lock: lockStepSchema }).strict(),
  z.object({ unlock: unlockStepSchema }).strict(),
  z.object({ shrink: shrinkStepSchema }).strict(),
  z.object({ drop_caches: z.object({}).strict().nullable().default({}) }).strict(),
  z.object({ debugfs_scan: debugfsScanStepSchema }).strict(),
  z.object({ snapshot: z.object({ label: z.string() }).strict() }).strict(),
  /** The process's mm goes away (exit): mmget_not_zero fails from now on, the vma is gone. */
  z.object({ mm_exit: procOnly }).strict(),
  /** The Binder vma is unmapped; the mm lives on. */
  z.object({ munmap: procOnly }).strict(),
  /** Another vma now sits at the Binder mapping's address (the C callback's invalid-vma skip). */
  z.object({ remap_foreign: procOnly }).strict(),
  /** `binder_alloc_deferred_release`: teardown frees all buffers and pages. */
  z.object({ release: procOnly }).strict(),
  z.object({ fail_page_alloc: z.object({ proc: z.string(), page: z.number().int().nonnegative() }).strict() }).strict(),
]);

export type BinderStep = z.output<typeof binderStepSchema>;
export type BinderStepInput = z.input<typeof binderStepSchema>;

/** The step keys Binder handles (the run loop routes these to `applyBinderStep`). */
export const BINDER_STEP_KEYS = [
  'alloc',
  'free',
  'lock',
  'unlock',
  'shrink',
  'drop_caches',
  'debugfs_scan',
  'snapshot',
  'mm_exit',
  'munmap',
  'remap_foreign',
  'release',
  'fail_page_alloc',
] as const;
export type BinderStepKey = (typeof BINDER_STEP_KEYS)[number];

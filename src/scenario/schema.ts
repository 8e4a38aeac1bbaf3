/**
 * The scenario file's shape, in zod 4: what a user may write, with units parsed and constant
 * defaults applied. Every object is strict (an unknown key is an error, usually a typo).
 * Defaults that depend on other fields (duration, watermarks, names of generators, the
 * default shrinker set) are filled by resolve.ts, which also checks cross-references.
 *
 * Keys are snake_case; sysctl-like knobs keep their kernel names (`min_free_kbytes`,
 * `watermark_scale_factor`, `swappiness`), script steps keep the kernel's words
 * (`drop_caches`, `shrink_slab`, `memory_reclaim`, `debugfs_scan`).
 */
import { z } from 'zod';
import { allocStepSchema, byteSizeSchema, durationSchema, freeStepSchema, lockStepSchema, shrinkStepSchema, sizeTSchema, unlockStepSchema } from '../binder/schema.js';
import { parseObjects, parseRate, parseSize, parseTime, describeGot, UNIT_PATTERNS, type Parsed } from './units.js';

/**
 * What the JSON Schema says of a unit field (the string `pattern`s of units.ts, and a bare
 * number only where the parser takes one), by the zod schema `unit` made for it.
 */
const UNIT_JSON = new WeakMap<object, Record<string, unknown>>();
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const SIZE_JSON = { anyOf: [{ type: 'string', pattern: UNIT_PATTERNS.size }, { type: 'integer', minimum: 0, maximum: MAX_SAFE }] };
const TIME_JSON = { anyOf: [{ type: 'string', pattern: UNIT_PATTERNS.time }, { const: 0 }] };
const EVENT_RATE_JSON = { type: 'string', pattern: UNIT_PATTERNS.eventRate };
const BYTE_RATE_JSON = { type: 'string', pattern: UNIT_PATTERNS.byteRate };
// Binder's steps parse through the same units.ts; a transaction size is a size_t (< 2^64).
UNIT_JSON.set(byteSizeSchema, SIZE_JSON);
UNIT_JSON.set(durationSchema, TIME_JSON);
UNIT_JSON.set(sizeTSchema, { anyOf: [{ type: 'string', pattern: UNIT_PATTERNS.size }, { type: 'integer', minimum: 0, exclusiveMaximum: 2 ** 64 }] });

/** A quantity with a unit: string or number in the file, parsed by `parse`. */
function unit<T>(parse: (v: unknown) => Parsed<T>, description: string, examples: readonly unknown[], exactInts = false, json?: Record<string, unknown>) {
  const expected = (v: unknown): string => {
    const r = parse(v);
    return r.ok ? `unexpected value ${describeGot(v)}` : r.message;
  };
  // Integers beyond 2^53 arrive as bigints (load.ts): only exact counts accept them.
  const forms = exactInts ? [z.string(), z.number(), z.bigint()] as const : [z.string(), z.number()] as const;
  const schema = z
    .union(forms, { error: (iss) => expected(iss.input) })
    .transform((v, ctx): T => {
      const r = parse(v);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: r.message, input: v });
        return z.NEVER;
      }
      return r.value;
    })
    .meta({ description, examples: [...examples] });
  if (json) UNIT_JSON.set(schema, json);
  return schema;
}

export const Size = () => unit(parseSize, 'A size: bytes (4096), "4MiB", "1.5GiB", "16k pages".', ['4MiB', '256 pages'], false, SIZE_JSON);
export const Time = () => unit(parseTime, 'A time: "250ms", "30s", "1.5us", "2min", or 0.', ['250ms', '30s'], false, TIME_JSON);
export const EventRate = () =>
  unit(
    (v) => {
      const r = parseRate(v);
      if (r.ok && r.value.unit !== 'events') return { ok: false, message: `expected a positive rate like "200/s", got ${describeGot(v)}` };
      return r.ok ? { ok: true, value: r.value.perSec } : r;
    },
    'Events per unit of time: "200/s", "5/ms", "12/min".',
    ['200/s'],
    false,
    EVENT_RATE_JSON,
  );
export const ByteRate = () =>
  unit(
    (v) => {
      const r = parseRate(v, 'a memory rate like "50MiB/s" or "1000 pages/s"');
      if (r.ok && r.value.unit !== 'bytes') return { ok: false, message: `expected a memory rate like "50MiB/s" or "1000 pages/s", got ${describeGot(v)}` };
      return r.ok ? { ok: true, value: r.value.perSec } : r;
    },
    'Memory per unit of time: "50MiB/s", "1000 pages/s".',
    ['50MiB/s'],
    false,
    BYTE_RATE_JSON,
  );
export const Objects = () =>
  unit(parseObjects, 'A number of objects: 100000, "1e6", "ULONG_MAX/4", "ULONG_MAX/2" (= LONG_MAX).', [100000, 'ULONG_MAX/4'], true);

const int = (min: number, max: number = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const fraction = () => z.number().min(0).max(1);
const name = () => z.string().min(1).max(64);
const gfpText = () =>
  z.string().min(1).meta({ description: 'A gfp mask as show_gfp_flags prints it: "GFP_KERNEL", "GFP_NOFS", "GFP_NOIO|__GFP_NOWARN", "0xcc0".' });

export const TaskSchema = z
  .object({
    comm: z.string().min(1).max(15).optional(),
    pid: int(1, 4194304).optional(),
    cpu: int(0, 1023).optional(),
  })
  .strict()
  .meta({ description: 'Trace identity: comm (≤ 15 chars), pid, cpu.' });

// --- distributions -------------------------------------------------------------------------

const SizeDistSchema = z.union([
  Size(),
  z.object({ dist: z.literal('fixed'), bytes: Size() }).strict(),
  z.object({ dist: z.literal('uniform'), min: Size(), max: Size() }).strict(),
  z.object({ dist: z.literal('log-uniform'), min: Size(), max: Size() }).strict(),
  z
    .object({
      dist: z.literal('empirical'),
      buckets: z.array(z.object({ size: Size(), weight: z.number().positive() }).strict()).min(1),
    })
    .strict(),
]);

const TimeDistSchema = z.union([
  Time(),
  z.object({ dist: z.literal('fixed'), time: Time() }).strict(),
  z.object({ dist: z.literal('uniform'), min: Time(), max: Time() }).strict(),
  z.object({ dist: z.literal('exponential'), mean: Time() }).strict(),
]);

// --- top-level sections ---------------------------------------------------------------------

const WatermarksSchema = z
  .object({
    min_free_kbytes: int(128, 262144).optional(),
    watermark_scale_factor: int(1, 3000).optional(),
    min: Size().optional(),
    low: Size().optional(),
    high: Size().optional(),
  })
  .strict()
  .meta({ description: 'Either min_free_kbytes/watermark_scale_factor (derived as the kernel does) or min, low and high.' });

const MemorySchema = z
  .object({
    total: Size().prefault('2GiB'),
    nodes: int(1, 64).default(1),
    watermarks: WatermarksSchema.optional(),
    page_cache: Size().prefault(0),
    page_cache_mapped: Size().optional(),
    anon: Size().prefault(0),
    swap: Size().prefault(0),
    swappiness: int(0, 200).default(60),
    mglru: z.boolean().optional(),
    /** Simulated-time cost of reclaim work (src/mm/reclaim/cost.ts); omitted fields keep their defaults. */
    reclaim_cost: z
      .object({
        lru_scan_ns: int(0, 1_000_000).optional(),
        file_reclaim_ns: int(0, 1_000_000).optional(),
        anon_reclaim_ns: int(0, 1_000_000).optional(),
        shrink_node_ns: int(0, 1_000_000).optional(),
        shrinker_call_ns: int(0, 1_000_000).optional(),
        scan_objects_ns: int(0, 1_000_000).optional(),
        object_scan_ns: int(0, 1_000_000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const MemcgSchema = z
  .object({
    name: name(),
    parent: name().default('root'),
    /** Share (0–1) of each node's LRU pages charged to this memcg's MGLRU lruvec; the root keeps the rest. */
    lru_share: z.number().min(0).max(1).optional(),
    /** `memory.max`: charges beyond it reclaim this memcg (absent: no limit, and no charge accounting). */
    max: Size().optional(),
    /** `memory.high`: charges beyond it reclaim on return to user mode (absent: no limit). */
    high: Size().optional(),
  })
  .strict();

const CountSchema = z.union([
  Objects(),
  z.object({ source: z.literal('fixed'), objects: Objects() }).strict(),
  z
    .object({
      source: z.literal('list'),
      objects: Objects(),
      growth: EventRate().prefault('0/s'),
      max: Objects().optional(),
    })
    .strict(),
]);

const ShrinkerSchema = z
  .object({
    name: name(),
    kind: z.enum(['superblock', 'seeks0', 'numa', 'memcg', 'custom']),
    symbol: z.string().min(1).optional(),
    seeks: int(0, 1000).optional(),
    batch: int(0, 1 << 30).optional(),
    flags: z.array(z.enum(['numa_aware', 'memcg_aware', 'nonslab'])).optional(),
    count: CountSchema.optional(),
    count_limit: z.enum(['ULONG_MAX/2', 'ULONG_MAX/4', 'LONG_MAX']).default('ULONG_MAX/2'),
    free_ratio: z.number().gt(0).max(1).default(1),
    objects_per_page: int(1, 1 << 20).default(32),
    needs: z.array(z.enum(['fs', 'io'])).optional(),
    trylock_fail: fraction().default(0),
  })
  .strict();

const BinderProcSchema = z
  .object({
    name: name(),
    mmap: Size().prefault('1016KiB'),
    driver: z.enum(['c', 'rust']).default('c'),
    pid: int(1, 4194304).optional(),
    comm: z.string().min(1).max(15).optional(),
    cpu: int(0, 1023).optional(),
    memcg: name().default('root'),
    /** /proc/<pid>/oom_score_adj of the process (-1000: never chosen by the OOM killer). */
    oom_score_adj: int(-1000, 1000).optional(),
  })
  .strict();

const BinderSchema = z
  .object({
    // Each process keeps page arrays and lists (~40 KB); devices run a few hundred.
    procs: z.array(BinderProcSchema).max(4096).default([]),
    shrinker: z
      .object({ seeks: int(0, 1000).default(2), batch: int(0, 1 << 30).default(0) })
      .strict()
      .prefault({}),
  })
  .strict();

const BurstSchema = z.object({ every: Time(), count: int(1, 1_000_000), gap: Time().prefault('1ms') }).strict();

const window = {
  from: Time().prefault(0),
  until: Time().optional(),
};

const BinderTrafficSchema = z
  .object({
    name: name().optional(),
    proc: name(),
    rate: EventRate().optional(),
    burst: BurstSchema.optional(),
    data: SizeDistSchema.prefault('256B'),
    offsets: SizeDistSchema.prefault(0),
    oneway: fraction().default(0),
    hold: TimeDistSchema.prefault('5ms'),
    task: TaskSchema.optional(),
    ...window,
  })
  .strict();

const MemoryPressureSchema = z
  .object({
    name: name().optional(),
    pool: z.enum(['pagecache', 'anon']),
    rate: ByteRate(),
    release: ByteRate().prefault('0 pages/s'),
    chunk: Size().prefault('32 pages'),
    gfp: gfpText().optional(),
    memcg: name().default('root'),
    task: TaskSchema.optional(),
    /** /proc/<pid>/oom_score_adj of the allocating task (-1000: never chosen by the OOM killer). */
    oom_score_adj: int(-1000, 1000).optional(),
    ...window,
  })
  .strict();

const LockContentionSchema = z
  .object({
    name: name().optional(),
    proc: name(),
    lock: z.enum(['mmap', 'alloc']),
    rate: EventRate(),
    hold: TimeDistSchema,
    ...window,
  })
  .strict();

const ProcDeathSchema = z.object({ name: name().optional(), proc: name(), at: Time() }).strict();

const WorkloadSchema = z
  .object({
    binder: z.array(BinderTrafficSchema).default([]),
    memory: z.array(MemoryPressureSchema).default([]),
    locks: z.array(LockContentionSchema).default([]),
    deaths: z.array(ProcDeathSchema).default([]),
  })
  .strict();

// --- script steps: each a one-key object ----------------------------------------------------

const step = <K extends string, S extends z.ZodType>(key: K, body: S) => z.object({ [key]: body } as { [P in K]: S }).strict();

/**
 * Binder's steps use the Binder model's own schemas (src/binder/schema.ts), so their output is
 * exactly what `applyBinderStep` takes.
 */
const procOnly = () => z.object({ proc: name() }).strict();
export const BINDER_STEP_SCHEMAS = {
  alloc: step('alloc', allocStepSchema),
  free: step('free', freeStepSchema),
  lock: step('lock', lockStepSchema),
  unlock: step('unlock', unlockStepSchema),
  shrink: step('shrink', shrinkStepSchema),
  mm_exit: step('mm_exit', procOnly()),
  munmap: step('munmap', procOnly()),
  remap_foreign: step('remap_foreign', procOnly()),
  release: step('release', procOnly()),
  fail_page_alloc: step('fail_page_alloc', z.object({ proc: name(), page: int(0) }).strict()),
} as const;

export const STEP_SCHEMAS = {
  ...BINDER_STEP_SCHEMAS,
  advance: step('advance', z.object({ by: Time() }).strict()),
  drop_caches: step('drop_caches', z.object({ mode: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(2) }).strict()),
  shrink_slab: step(
    'shrink_slab',
    z
      .object({
        priority: int(0, 12),
        gfp: gfpText().default('GFP_KERNEL'),
        nid: int(0, 63).default(0),
        memcg: name().nullable().default(null),
      })
      .strict(),
  ),
  debugfs_count: step('debugfs_count', z.object({ shrinker: name() }).strict()),
  debugfs_scan: step(
    'debugfs_scan',
    z.object({ shrinker: name(), nid: int(0, 63).default(0), nr: int(0), memcg: name().nullable().default(null) }).strict(),
  ),
  memory_reclaim: step(
    'memory_reclaim',
    z.object({ amount: Size(), memcg: name().default('root'), swappiness: int(0, 200).nullable().default(null) }).strict(),
  ),
  allocate: step(
    'allocate',
    z
      .object({
        pool: z.enum(['pagecache', 'anon']),
        amount: Size(),
        gfp: gfpText().optional(),
        memcg: name().default('root'),
        task: TaskSchema.optional(),
      })
      .strict(),
  ),
  release_pages: step('release_pages', z.object({ pool: z.enum(['pagecache', 'anon']), amount: Size() }).strict()),
  snapshot: step('snapshot', z.object({ label: z.string().min(1) }).strict()),
} as const;

export type StepKey = keyof typeof STEP_SCHEMAS;
export const STEP_KEYS = Object.keys(STEP_SCHEMAS) as StepKey[];

const S = STEP_SCHEMAS;
const StepSchema = z.union([
  S.alloc, S.free, S.lock, S.unlock, S.shrink, S.mm_exit, S.munmap, S.remap_foreign, S.release, S.fail_page_alloc,
  S.advance, S.drop_caches, S.shrink_slab, S.debugfs_count, S.debugfs_scan, S.memory_reclaim,
  S.allocate, S.release_pages, S.snapshot,
]);

export const ScenarioSchema = z
  .object({
    $schema: z.string().optional().meta({ description: 'Editor hint; ignored.' }),
    name: name().optional(),
    description: z.string().default(''),
    seed: int(0).default(1),
    kernel: z
      .union([z.enum(['6.1', '6.12']), z.literal(6.1), z.literal(6.12)])
      .default('6.12')
      .transform((k) => String(k) as '6.1' | '6.12'),
    duration: Time().optional(),
    sample: Time().prefault('100ms'),
    cpus: int(1, 1024).default(8),
    memcg: z.boolean().default(true),
    tasks: z.object({ kswapd: TaskSchema.optional(), script: TaskSchema.optional() }).strict().prefault({}),
    memory: MemorySchema.prefault({}),
    memcgs: z.array(MemcgSchema).default([]),
    shrinkers: z.array(ShrinkerSchema).optional(),
    binder: BinderSchema.prefault({}),
    workload: WorkloadSchema.prefault({}),
    script: z.array(StepSchema).default([]),
    limits: z
      .object({ events: int(1).optional(), samples: int(1).optional(), trace_lines: int(1).optional() })
      .strict()
      .optional()
      .meta({ description: 'Bounds on the run (default 50M events, 1M samples, 5M trace lines); the --max-* flags override them.' }),
  })
  .strict();

export type RawScenario = z.output<typeof ScenarioSchema>;
export type RawStep = z.output<(typeof STEP_SCHEMAS)[StepKey]>;
export type RawShrinker = z.output<typeof ShrinkerSchema>;
export type RawSizeDist = z.output<typeof SizeDistSchema>;
export type RawTimeDist = z.output<typeof TimeDistSchema>;
export type RawTask = z.output<typeof TaskSchema>;
export type RawCount = z.output<typeof CountSchema>;

/** The JSON Schema of scenario files (input side: units as written), for editors. */
/** `$id` of the scenario JSON Schema (`shrinksim schema`, shipped as dist/scenario.schema.json). */
export const SCENARIO_SCHEMA_ID = 'urn:shrinksim:scenario';

export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    // Exact object counts also take integers beyond 2^53 (bigints once loaded): in the file they are numbers.
    override: (ctx) => {
      // Unit fields: the patterns and number forms the loader's parsers accept (units.ts).
      const unitJson = UNIT_JSON.get(ctx.zodSchema);
      if (unitJson) {
        delete (ctx.jsonSchema as Record<string, unknown>).type;
        delete (ctx.jsonSchema as Record<string, unknown>).anyOf;
        Object.assign(ctx.jsonSchema, structuredClone(unitJson));
        return;
      }
      const def = ctx.zodSchema._zod.def as { type: string; options?: readonly { _zod: { def: { type: string } } }[] };
      if (def.type === 'union' && def.options?.some((o) => o._zod.def.type === 'bigint')) {
        for (const k of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[k];
        Object.assign(ctx.jsonSchema, { type: ['string', 'number'] });
      }
    },
  }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: SCENARIO_SCHEMA_ID,
    ...schema,
    title: 'shrinksim scenario',
    description: 'A shrinksim scenario: memory, shrinkers, Binder processes, workload generators and a script.',
  };
}

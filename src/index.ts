/**
 * shrinksim's public library API: the only module `package.json` "exports" points at.
 *
 * Curated named exports, grouped by area. Internals (walk helpers, idr, RCU list, locks, the
 * run loop's wiring, the CLI) stay private so they can change without breaking callers. Where
 * two areas use the same name for different things, the less central one is renamed here
 * (e.g. Binder's `StepOutcome` is `BinderStepOutcome`; list_lru's status codes are
 * `LruStatus`, Binder's isolate result stays internal).
 *
 * Typical use:
 *
 *   const memcgs = new MemcgTree({ nrNodeIds: 1 });
 *   const registry = new ShrinkerRegistry({ profile: '6.12', memcgs });
 *   registry.shrinkerAlloc({ name: 'my-cache' })
 *     .setOps({ count: () => CountObjects.new(1000), scan: (sc) => ScanObjects.freed(sc.nrToScan) })
 *     .register();
 *   shrinkSlab({ registry, memcgs, profile: '6.12' }, GFP_KERNEL, 0, null, DEF_PRIORITY);
 *
 *   const result = runScenario(loadScenarioFile('scenarios/default.yaml'));
 *   process.stdout.write(renderSummary(result, { color: false }));
 */

// --- kernel integers and gfp masks -------------------------------------------------------
export { LONG_MAX, LONG_MIN, ULONG_MAX, s64, u64, s32, sar, parseBigInt, type Long, type ULong } from './mm/kint.js';
export {
  gfp,
  formatGfp,
  parseGfp,
  gfpNames,
  reclaimFsAllowed,
  reclaimIoAllowed,
  currentGfpContext,
  __GFP_IO,
  __GFP_FS,
  __GFP_HIGHMEM,
  __GFP_ZERO,
  __GFP_ACCOUNT,
  __GFP_NOWARN,
  __GFP_DIRECT_RECLAIM,
  __GFP_KSWAPD_RECLAIM,
  __GFP_RECLAIM,
  GFP_ATOMIC,
  GFP_KERNEL,
  GFP_KERNEL_ACCOUNT,
  GFP_NOWAIT,
  GFP_NOIO,
  GFP_NOFS,
  GFP_USER,
  GFP_HIGHUSER_MOVABLE,
  type GfpMask,
  type GfpProfile,
} from './mm/gfp.js';

// --- shrinker contract and do_shrink_slab ------------------------------------------------
export {
  SHRINK_STOP,
  SHRINK_EMPTY,
  DEFAULT_SEEKS,
  SHRINK_BATCH,
  DEF_PRIORITY,
  NO_FLAGS,
  flagBits,
  COUNT_LIMITS,
  CountObjects,
  ScanObjects,
  ShrinkControl,
  countToRaw,
  scanToRaw,
  rawFromTyped,
  assertNever,
  type KernelProfile,
  type ShrinkerFlags,
  type CountResult,
  type CountLimit,
  type ScanResult,
  type MemcgRef,
  type ShrinkerOps,
  type RawShrinkerOps,
} from './mm/shrinker/types.js';
export {
  batchSizeOf,
  computeDelta,
  computeTotalScan,
  computeNextDeferred,
  planShrink,
  type ShrinkPlan,
} from './mm/shrinker/arith.js';
export { CURRENT_FORMULA, type ShrinkFormula, type FormulaPlan } from './mm/shrinker/formula.js';
export { LEGACY_FORMULA } from './mm/shrinker/arithLegacy.js';
export {
  doShrinkSlab,
  returnValueOf,
  MAX_SCAN_CALLS,
  type DeferredSlots,
  type ShrinkerCore,
  type ShrinkTraceSink,
  type DoShrinkSlabStats,
  type DoShrinkSlabResult,
} from './mm/shrinker/doShrinkSlab.js';

// --- shrinker registry, walks, debugfs, what-ifs ----------------------------------------
export {
  AllocatedShrinker,
  RegisteredShrinker,
  ShrinkerStateError,
  type FreeOutcome,
  type ScanMany,
  type ShrinkerState,
  type ShrinkerView,
} from './mm/shrinker/shrinker.js';
export { ShrinkerRegistry, type ShrinkerAllocOptions, type ShrinkerRegistryOptions } from './mm/shrinker/registry.js';
export {
  shrinkSlab,
  type ShrinkCallOutcome,
  type ShrinkSlabCtx,
  type ShrinkSlabSink,
  type ShrinkWalkEvent,
} from './mm/shrinker/shrinkSlab.js';
export { dropSlab, dropSlabNode, type DropSlabOptions } from './mm/shrinker/dropSlab.js';
export {
  debugfsCount,
  debugfsScan,
  DEBUGFS_SCAN_MAX_BYTES,
  type DebugfsScanResult,
  type DebugfsTarget,
} from './mm/shrinker/debugfs.js';
export {
  interpretRawCount,
  rawOps,
  whatIfRaw,
  type RawCountMeaning,
  type WhatIfRawInput,
  type WhatIfRawResult,
} from './mm/shrinker/raw.js';
export { limitOutcome, limitTable, type LimitOutcome } from './mm/shrinker/limits.js';

// --- memcg and list_lru --------------------------------------------------------------------
export { Memcg, MemcgTree, type MemcgTreeOptions, type MemcgOfflineResult } from './mm/memcg.js';
export {
  ListLru,
  LruStatus,
  LRU_REMOVED,
  LRU_REMOVED_RETRY,
  LRU_ROTATE,
  LRU_SKIP,
  LRU_RETRY,
  LRU_STOP,
  LRU_STATUSES,
  lruStatusName,
  isRemoved,
  LruBug,
  type ListLruOptions,
  type LruIsolate,
  type LruIsolateHandle,
  type LruPlace,
  type LruWalkBudget,
} from './mm/listLru/index.js';

// --- reclaim paths ----------------------------------------------------------------------------
export { dropCaches, type DropCachesMode, type DropCachesResult } from './mm/reclaim/dropCaches.js';
export { zoneWatermarks, defaultMinFreeKbytes, type Watermarks } from './mm/reclaim/watermarks.js';
export { type ReclaimPath as ReclaimEnginePath } from './mm/reclaim/scanControl.js';

// --- Android Binder -----------------------------------------------------------------------
export {
  BinderSystem,
  createBinderSystem,
  parseBinderConfig,
  parseBinderStep,
  applyBinderStep,
  binderSnapshot,
  binderStepKey,
  BINDER_STEP_KEYS,
  binderConfigSchema,
  binderStepSchema,
  BINDER_MAX_MAPPING,
  BinderShrinker,
  C_BINDER_SHRINKER_META,
  RUST_BINDER_SHRINKER_META,
  CBinderAlloc,
  RustBinderAlloc,
  BinderProc,
  BINDER_EVENT_NAMES,
  formatBinderTraceLine,
  type BinderSystemOptions,
  type BinderConfig,
  type BinderConfigInput,
  type BinderStep,
  type BinderStepInput,
  type BinderStepKey,
  type StepOutcome as BinderStepOutcome,
  type BinderSnapshot,
  type BinderProcSnapshot,
  type BinderBufferSnapshot,
  type BinderDriver,
  type BinderTraceEvent,
  type BinderTraceRecord,
  type BinderTraceSink,
  type SkipReason as BinderSkipReason,
} from './binder/index.js';

// --- scenarios ----------------------------------------------------------------------------------
export { parseScenarioText, validateScenario, loadScenarioText, loadScenarioFile } from './scenario/load.js';
export { resolveScenario, BINDER_SHRINKER_NAME, DEFAULT_SHRINKERS, KIND_DEFAULTS } from './scenario/resolve.js';
export {
  ScenarioSchema,
  STEP_SCHEMAS,
  STEP_KEYS,
  scenarioJsonSchema,
  type StepKey,
  type RawScenario,
  type RawStep,
  type RawShrinker,
} from './scenario/schema.js';
export { scenarioHash, canonicalJson } from './scenario/hash.js';
export { parseSize, parseTime, parseRate, parseObjects, type Parsed, type Rate } from './scenario/units.js';
export type {
  ResolvedScenario,
  ResolvedStep,
  ResolvedShrinker,
  ResolvedMemory,
  ResolvedBinder,
  ResolvedWorkload,
  ShrinkerKind,
  SimTimeNs,
} from './scenario/types.js';

// --- running and reporting --------------------------------------------------------------------
export { runScenario, createSimulation, runSimulation, runEndNs, type Simulation } from './sim/run.js';
// The machine you can drive, its event loop, and the recorder interface (see docs/architecture.md).
export { Machine } from './sim/machine.js';
export type { ShrinkerEntry } from './sim/machineBuild.js';
export { MachineBinder } from './sim/machineBinder.js';
export { EventLoop, type Fireable, type LoopAction, type LoopOptions } from './sim/loop.js';
export { SimClock } from './sim/clock.js';
export { Tracepoints, SIM_EVENT_KINDS, type Recorder, type SimEvent, type SimEventKind, type SimEventOf } from './sim/recorder.js';
export {
  RECORDERS,
  createRecorders,
  StatisticsRecorder,
  SeriesRecorder,
  ScriptRecorder,
  FtraceRecorder,
  TimelineRecorder,
  type RecorderName,
  type RecorderEnv,
} from './sim/recorders/index.js';
export { buildResult, type BuildInput, type MachineEnd, type RunStatistics } from './report/build.js';
export { DEFAULT_RUN_LIMITS, RunLimitError, resolveLimits, type RunLimits, type RunLimitName } from './util/limits.js';
export {
  RESULT_SCHEMA_VERSION,
  type RunResult,
  type RunOptions,
  type ShrinkerStats,
  type BinderProcStats,
  type MemoryStats,
  type MemcgStats,
  type ReclaimPassRow,
  type ReclaimPath,
  type StepOutcome,
  type Snapshot,
  type Sample,
} from './report/result.js';
export { renderSummary, shouldColor, type SummaryOptions } from './report/summary.js';
export { renderJson, resultDocument } from './report/json.js';
export { renderCsv } from './report/csv.js';
export { renderTimeline, timelineEvents, type TraceEvent } from './report/timeline.js';
export type { TimelineData, TimelineGroup, TimelineSlice, TimelineInstant, TimelineCounter } from './report/timelineData.js';
export type { BinderProcPages } from './sim/recorder.js';
export { renderHtml } from './report/html.js';
export { loadReportAssets, type ReportAssets } from './report/html/assets.js';
export { asResultDoc, type ResultDoc } from './report/html/doc.js';
export { VmStat, VMSTAT_ITEMS, type VmStatItem, type VmStatCounters } from './mm/vmstat.js';
export {
  BASELINE_KIND,
  baselineOf,
  renderBaseline,
  parseBaseline,
  parseTolerance,
  compareWithBaseline,
  renderComparison,
  type Baseline,
  type Comparison,
} from './report/baseline.js';

// --- tracepoints, ftrace text, conform ---------------------------------------------------
export type { ShrinkerTraceRef, MmShrinkSlabStart, MmShrinkSlabEnd, ShrinkEvent } from './trace/shrinkEvents.js';
export { formatFtraceLine, formatTimestamp, ftraceHeader, type TraceContext } from './trace/ftrace/line.js';
export { parseFtraceLine, readTraceLines, timestampToNs, type FtraceRecord, type TraceLine } from './trace/ftrace/parse.js';
export {
  formatShrinkStartBody,
  formatShrinkEndBody,
  parseShrinkStartBody,
  parseShrinkEndBody,
  type ParsedShrinkStart,
} from './trace/ftrace/shrinkFormat.js';
export { collectLines, collectFile, type FileScan, type ShrinkPair } from './trace/conform/collect.js';
export {
  analyse as conformAnalyse,
  type ConformOptions,
  type ConformReport,
  type PairResult,
  type FileResult,
  type InstanceResult,
  type FunctionRow,
} from './trace/conform/analyse.js';
export { renderTable as renderConformTable, toJson as conformToJson } from './trace/conform/render.js';
export { synthesizeTrace, type SynthOptions, type SynthTrace } from './trace/conform/synth.js';

// --- replaying a capture's Binder traffic ---------------------------------------------------
export { replayFile, replayLines, type ReplayOptions, type ReplayReport, type ShrinkCheck } from './replay/replay.js';
export { renderReplay } from './replay/render.js';

// --- errors and version ----------------------------------------------------------------------
export { UserError, isUserError } from './util/errors.js';
export { VERSION } from './version.js';

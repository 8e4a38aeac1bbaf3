/**
 * Android Binder's transaction-buffer allocator and its "android-binder" shrinker, for the C
 * driver (binder_alloc.c, 6.12) and the Rust driver (page_range.rs, 6.18+). Pages live on the
 * shared list_lru (src/mm/listLru); the shrinkers register in a shared ShrinkerRegistry
 * (`createBinderSystem(config, { registry })`) or, without one, in a private registry.
 */
export { BINDER_MAX_MAPPING, PAGE_SIZE, parseByteSize, sanitizedSize } from './constants.js';
export { CBinderAlloc, CBuffer } from './cAlloc.js';
export type { AllocEnv, AllocRequest, BinderErrno, BinderFailure, BufferView } from './env.js';
export { BINDER_PAGE_NID, BinderFreelist, type IsolateFn, type LruListHandle, type LruStatus } from './lru.js';
export { C_SKIP_REASONS, RUST_SKIP_REASONS, type BinderLockName, type CSkipReason, type RustSkipReason, type SkipReason } from './lockOrder.js';
export { BinderPages, type PageCounts } from './pages.js';
export { BinderProc, type BinderDriver, type BufferHandle, type IsolateOutcome, type ProcSpec, type VmaState } from './proc.js';
export { RustBinderAlloc, RustRange, TREE_THRESHOLD } from './rustAlloc.js';
export {
  BINDER_STEP_KEYS,
  binderConfigSchema,
  binderProcSchema,
  binderStepSchema,
  parseDurationNs,
  type BinderConfig,
  type BinderConfigInput,
  type BinderStep,
  type BinderStepInput,
  type BinderStepKey,
} from './schema.js';
export {
  BinderShrinker,
  C_BINDER_SHRINKER_META,
  RUST_BINDER_SHRINKER_META,
  type BinderDeferredView,
  type BinderIsolate,
  type BinderShrinkerMeta,
  type BinderShrinkerTuning,
} from './shrinker.js';
/** Re-exported for callers that built Binder shrinkers with it before it moved to mm/shrinker. */
export { SingleDeferredSlot } from '../mm/shrinker/deferred.js';
export {
  applyBinderStep,
  binderSnapshot,
  binderStepKey,
  createBinderSystem,
  parseBinderConfig,
  parseBinderStep,
  type BinderBufferSnapshot,
  type BinderProcSnapshot,
  type BinderSnapshot,
  type StepOutcome,
} from './steps.js';
export { BinderSystem, type BinderSystemOptions, type TaskRef } from './system.js';
export {
  BINDER_EVENT_NAMES,
  formatBinderEventBody,
  formatBinderTraceLine,
  type BinderEventName,
  type BinderTraceEvent,
  type BinderTraceRecord,
  type BinderTraceSink,
} from './trace.js';

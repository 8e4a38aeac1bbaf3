/** Test harness: a memory model plus a shrink_slab that records every call. */
import type { KernelProfile, MemcgRef } from '../../../src/mm/shrinker/types.js';
import {
  NodeMemory,
  zoneWatermarks,
  type MemoryModel,
  type ReclaimDeps,
  type ShrinkSlabCall,
  type ShrinkSlabOutcome,
} from '../../../src/mm/reclaim/index.js';

export const ROOT: MemcgRef = { id: 0, ino: 1, isRoot: true };
export const CHILD: MemcgRef = { id: 1, ino: 42, isRoot: false };

export interface NodeSpec {
  managed?: number;
  file?: number;
  fileMapped?: number;
  anon?: number;
  swap?: number;
  free?: number;
  wmark?: { min: number; low: number; high: number };
}

/** A node whose non-LRU pages are "other", so `free` comes out as asked. */
export function node(nid: number, s: NodeSpec = {}): NodeMemory {
  const managed = s.managed ?? 131_072;
  const file = s.file ?? 0;
  const anon = s.anon ?? 0;
  const free = s.free ?? managed - file - anon;
  return new NodeMemory({
    nid,
    managedPages: managed,
    filePages: file,
    fileMappedPages: s.fileMapped ?? 0,
    anonPages: anon,
    otherPages: managed - file - anon - free,
    swapPages: s.swap ?? 0,
    wmark: s.wmark ?? zoneWatermarks(managed, managed, 2896),
  });
}

export function model(nodes: NodeMemory[], swappiness = 60): MemoryModel {
  return { nodes, swappiness, inactiveRatio: 0.5 };
}

export interface Recorder {
  readonly calls: ShrinkSlabCall[];
  readonly deps: ReclaimDeps;
  /** `${priority}:${gfp hex}` per call, the compact form tests compare. */
  seq(): string[];
  priorities(): number[];
}

export function recorder(opts: {
  profile?: KernelProfile;
  mglru?: boolean;
  memcgs?: readonly (MemcgRef | null)[];
  /** What each call returns (default: nothing freed). */
  outcome?: (call: ShrinkSlabCall, index: number) => ShrinkSlabOutcome;
}): Recorder {
  const calls: ShrinkSlabCall[] = [];
  const all = opts.memcgs ?? [ROOT];
  const deps: ReclaimDeps = {
    profile: opts.profile ?? '6.12',
    mglru: opts.mglru ?? false,
    shrinkSlab: (call) => {
      calls.push(call);
      return opts.outcome?.(call, calls.length - 1) ?? { freed: 0n, slabPagesFreed: 0 };
    },
    memcgWalk: (target) => {
      if (target === null || target.isRoot) return all;
      return all.filter((m) => m !== null && m.id === target.id);
    },
  };
  return {
    calls,
    deps,
    seq: () => calls.map((c) => `${c.priority}:${c.gfpMask.toString(16)}`),
    priorities: () => calls.map((c) => c.priority),
  };
}

export const range = (from: number, to: number): number[] => {
  const out: number[] = [];
  for (let p = from; from >= to ? p >= to : p <= to; p += from >= to ? -1 : 1) out.push(p);
  return out;
};

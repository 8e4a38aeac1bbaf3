/** Scenario texts for the run-loop tests (kept small so each runs in well under a second). */

/** The real p4 phase, shrunk: 512 MiB, no swap, MGLRU, Binder pages on the LRU, 16M memory.reclaim. */
export const P4_LIKE = `
name: p4-like
kernel: "6.12"
seed: 7
cpus: 2
tasks: { script: { comm: init, pid: 1, cpu: 1 } }
memory: { total: 512MiB, page_cache: 120MiB, anon: 200MiB, mglru: true }
memcgs: [{ name: user }]
shrinkers:
  - { name: sb-sda1, kind: superblock, seeks: 0, flags: [numa_aware], count: { source: list, objects: 348 } }
  - { name: rcu-kfree, kind: seeks0, count: { source: fixed, objects: 2 } }
binder:
  procs: [{ name: binder_test, mmap: 4MiB, pid: 223 }]
script:
  - alloc: { proc: binder_test, buffer: a, data: 1MiB }
  - free: { proc: binder_test, buffer: a }
  - snapshot: { label: before }
  - memory_reclaim: { amount: 16MiB }
  - snapshot: { label: after }
`;

/** A few seconds of a busy device: Binder traffic, page-cache growth, a NOFS writer, contention. */
export const BUSY = `
name: busy
kernel: "6.12"
seed: 3
duration: 3s
sample: 250ms
cpus: 4
memory: { total: 256MiB, page_cache: 150MiB, anon: 80MiB, swap: 64MiB }
binder:
  procs:
    - { name: system_server, mmap: 1MiB }
    - { name: surfaceflinger, mmap: 1MiB }
workload:
  binder:
    - { proc: system_server, rate: 300/s, data: { dist: log-uniform, min: 16B, max: 64KiB }, hold: { dist: exponential, mean: 20ms }, oneway: 0.2 }
    - { proc: surfaceflinger, burst: { every: 500ms, count: 40, gap: 1ms }, data: 8KiB, hold: 50ms }
  memory:
    - { pool: pagecache, rate: 20MiB/s }
    - { pool: anon, rate: 4MiB/s, gfp: GFP_NOFS }
  locks:
    - { proc: system_server, lock: mmap, rate: 50/s, hold: 2ms }
`;

/** The real p2 phase: Binder pages on the LRU, then echo 2 > drop_caches three times. */
export const DROP_CACHES = `
name: drop
kernel: "6.12"
cpus: 2
tasks: { script: { comm: init, pid: 1, cpu: 0 } }
memory: { total: 512MiB, page_cache: 100MiB }
shrinkers:
  - { name: sb-sda1, kind: superblock, flags: [], count: { source: list, objects: 4 } }
binder:
  procs: [{ name: binder_test, mmap: 4MiB, pid: 195 }]
script:
  - alloc: { proc: binder_test, buffer: a, data: 1804KiB }
  - free: { proc: binder_test, buffer: a }
  - drop_caches: { mode: 2 }
  - snapshot: { label: after }
  - drop_caches: { mode: 3 }
`;

/**
 * GFP_NOFS windup then kswapd: a writer in a nofs scope allocates below min; its direct
 * reclaim passes make the superblock shrinker STOP (deferred work piles up); kswapd then
 * runs with GFP_KERNEL and scans.
 */
export const WINDUP = `
name: windup
kernel: "6.12"
memcg: false
memory:
  total: 64MiB
  page_cache: 1MiB
  anon: 40MiB
  watermarks: { min: 2MiB, low: 3MiB, high: 4MiB }
  mglru: false
shrinkers:
  - { name: sb-data, kind: superblock, flags: [], count: { source: list, objects: 100000 } }
script:
  - allocate: { pool: anon, amount: 2500 pages, gfp: GFP_NOFS, task: { comm: f2fs_writer, pid: 700, cpu: 3 } }
  - advance: { by: 1ms }
`;

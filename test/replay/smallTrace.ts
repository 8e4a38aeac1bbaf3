/**
 * A small 6.12 capture written by hand from binder_alloc.c (6.12) and do_shrink_slab: a
 * server (pid 10) receives six buffers from a client (pid 11), frees two of them, and
 * drop_caches reclaims the two pages left on the LRU. Rendered as the kernel's trace file or
 * as `trace-cmd report` prints it.
 *
 * Buffers: A..E take 8 bytes each at 0, 8, 16, 24, 32 (only A's range holds a page: page 0);
 * F takes 8192 bytes at 40 (pages 1 and 2 installed after the lock). Freeing C prints
 * offset=4096 and size = 0 - 4096 as size_t: B, C, D and E all print that (an ambiguity; the
 * rule takes the oldest, B, which leaves the same events). Freeing F adds page 1 (its own
 * range), then merges the free tail at 8232, whose start page 2 it shares with nobody: a
 * second segment for page 2. drop_caches: 2 items, delta 4, total_scan 4, one scan of 4.
 */
export type Line = readonly [comm: string, pid: number, cpu: number, flags: string, event: string, body: string];

const alloc = (n: number, data: number, range: string, pages: number[]): Line[] => [
  ['client', 11, 0, '...1.', 'binder_update_page_range', `proc=10 allocate=1 ${range}`],
  ...pages.flatMap((p): Line[] => [
    ['client', 11, 0, '.....', 'binder_alloc_page_start', `proc=10 page_index=${p}`],
    ['client', 11, 0, '.....', 'binder_alloc_page_end', `proc=10 page_index=${p}`],
  ]),
  ['client', 11, 0, '.....', 'binder_transaction_alloc_buf', `transaction=${n} data_size=${data} offsets_size=0 extra_buffers_size=0`],
];
const lruAdd = (p: number): Line[] => [
  ['server', 10, 1, '...1.', 'binder_free_lru_start', `proc=10 page_index=${p}`],
  ['server', 10, 1, '...1.', 'binder_free_lru_end', `proc=10 page_index=${p}`],
];
const unmap = (p: number): Line[] => [
  ['init', 1, 1, '...2.', 'binder_unmap_kernel_start', `proc=10 page_index=${p}`],
  ['init', 1, 1, '...2.', 'binder_unmap_kernel_end', `proc=10 page_index=${p}`],
  ['init', 1, 1, '.....', 'binder_unmap_user_start', `proc=10 page_index=${p}`],
  ['init', 1, 1, '.....', 'binder_unmap_user_end', `proc=10 page_index=${p}`],
];
const SHR = 'binder_shrink_scan+0x0/0xd0 [binder_linux] ffff896e9ff4a380: nid: 0';

export const SMALL: readonly Line[] = [
  ['init', 1, 1, '.....', 'tracing_mark_write', 'PHASE small'],
  ...alloc(1, 8, 'offset=0 size=4096', [0]),
  ...alloc(2, 8, 'offset=4096 size=0', []),
  ...alloc(3, 8, 'offset=4096 size=0', []),
  ...alloc(4, 8, 'offset=4096 size=0', []),
  ...alloc(5, 8, 'offset=4096 size=0', []),
  ...alloc(6, 8192, 'offset=4096 size=8192', [1, 2]),
  ['server', 10, 1, '...1.', 'binder_update_page_range', 'proc=10 allocate=0 offset=4096 size=18446744073709547520'],
  ['server', 10, 1, '...1.', 'binder_update_page_range', 'proc=10 allocate=0 offset=4096 size=4096'],
  ...lruAdd(1),
  ['server', 10, 1, '...1.', 'binder_update_page_range', 'proc=10 allocate=0 offset=8192 size=4096'],
  ...lruAdd(2),
  ['init', 1, 1, '.....', 'mm_shrink_slab_start', `${SHR} objects to shrink 0 gfp_flags GFP_KERNEL cache items 2 delta 4 total_scan 4 priority 0`],
  ...unmap(1),
  ...unmap(2),
  ['init', 1, 1, '.....', 'mm_shrink_slab_end', `${SHR} unused scan count 0 new scan count 0 total_scan 0 last shrinker return val 2`],
];

const ts = (i: number, digits: number): string => (5 + i / 10000).toFixed(digits);

/** The kernel's trace file, header included. */
export function kernelText(lines: readonly Line[] = SMALL, header = true): string {
  const body = lines.map(([comm, pid, cpu, flags, event, b], i) => `${comm.padStart(16)}-${String(pid).padEnd(7)} [${String(cpu).padStart(3, '0')}] ${flags} ${ts(i, 6).padStart(12)}: ${event}: ${b}`);
  const head = header ? ['# tracer: nop', '#', `# entries-in-buffer/entries-written: ${lines.length}/${lines.length}   #P:2`, '#'] : [];
  return [...head, ...body].join('\n') + '\n';
}

/** `trace-cmd report`: a cpus= preamble, no latency flags, 9-digit timestamps, padded event names. */
export function traceCmdText(lines: readonly Line[] = SMALL): string {
  const body = lines.map(([comm, pid, cpu, , event, b], i) => `${comm.padStart(16)}-${pid} [${String(cpu).padStart(3, '0')}] ${ts(i, 9)}: ${`${event}:`.padEnd(31)} ${b}`);
  return ['cpus=2', ...body].join('\n') + '\n';
}

export const linesOf = (text: string): { lineNo: number; text: string }[] => text.split('\n').map((t, i) => ({ lineNo: i + 1, text: t }));

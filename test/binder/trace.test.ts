/**
 * Tracepoint text: the model's lines must be byte-identical to lines of the real p2 trace
 * (print formats from shared/traces/linux-6.12.95/format/).
 */
import { describe, expect, it } from 'vitest';
import { formatBinderTraceLine, type BinderTraceRecord } from '../../src/binder/index.js';

const ctx = (comm: string, pid: number, cpu: number, flags: string, tsNs: bigint) => ({ comm, pid, cpu, flags, tsNs });

describe('binder tracepoint lines', () => {
  it.each<[BinderTraceRecord, string]>([
    [
      { ctx: ctx('binder_test', 195, 1, '...1.', 10_183_218_000n), event: { name: 'binder_update_page_range', proc: 197, allocate: true, offset: 0, size: 4096n } },
      '     binder_test-195     [001] ...1.    10.183218: binder_update_page_range: proc=197 allocate=1 offset=0 size=4096',
    ],
    [
      { ctx: ctx('binder_test', 195, 1, '...1.', 10_188_351_000n), event: { name: 'binder_update_page_range', proc: 195, allocate: false, offset: 4096, size: BigInt.asUintN(64, -4096n) } },
      '     binder_test-195     [001] ...1.    10.188351: binder_update_page_range: proc=195 allocate=0 offset=4096 size=18446744073709547520',
    ],
    [
      { ctx: ctx('binder_test', 195, 1, '.....', 10_184_357_000n), event: { name: 'binder_transaction_alloc_buf', transaction: 2, dataSize: 16n, offsetsSize: 0n, extraSize: 0n } },
      '     binder_test-195     [001] .....    10.184357: binder_transaction_alloc_buf: transaction=2 data_size=16 offsets_size=0 extra_buffers_size=0',
    ],
    [
      { ctx: ctx('init', 1, 0, '...2.', 10_411_082_000n), event: { name: 'binder_unmap_kernel_start', proc: 197, pageIndex: 332 } },
      '            init-1       [000] ...2.    10.411082: binder_unmap_kernel_start: proc=197 page_index=332',
    ],
  ])('renders %#', (rec, line) => {
    expect(formatBinderTraceLine(rec)).toBe(line);
  });
});

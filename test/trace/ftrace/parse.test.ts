import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFtraceLine } from '../../../src/trace/ftrace/line.js';
import { parseFtraceLine, readTraceLines, timestampToNs } from '../../../src/trace/ftrace/parse.js';
import { UserError } from '../../../src/util/errors.js';
import { FIXTURES, fixtureLines } from '../fixtures.js';

const BODY = 'vmap_node_shrink_scan+0x0/0x60 ffff8f35c104a200: nid: 0 objects to shrink 0 gfp_flags GFP_KERNEL cache items 15 delta 30 total_scan 30 priority 0';

async function collect(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const l of readTraceLines(path)) out.push(`${l.lineNo}:${l.text}`);
  return out;
}

describe('parseFtraceLine', () => {
  it('reads the kernel trace format of the real 6.12 traces', () => {
    const r = parseFtraceLine(`            init-1       [001] .N...     9.781592: mm_shrink_slab_start: ${BODY}`);
    expect(r).toEqual({
      comm: 'init',
      pid: 1,
      cpu: 1,
      flags: '.N...',
      ts: '9.781592',
      tsNs: 9_781_592_000n,
      event: 'mm_shrink_slab_start',
      body: BODY,
    });
  });

  it('takes the pid as the last -digits before the cpu column (comm with spaces and dashes)', () => {
    const r = parseFtraceLine('    my app-x-12-1201    [003] .....  1234.000001: tracing_mark_write: hello: world');
    expect(r?.comm).toBe('my app-x-12');
    expect(r?.pid).toBe(1201);
    expect(r?.cpu).toBe(3);
    // The body keeps its own colons.
    expect(r?.body).toBe('hello: world');
    expect(parseFtraceLine('  kworker/u4:2-87      [001] ...1.    10.5: binder_x: a=1')?.comm).toBe('kworker/u4:2');
    expect(parseFtraceLine('          <idle>-0       [000] d.h1.    10.5: irq: x')?.comm).toBe('<idle>');
  });

  it('accepts the optional (tgid) column, numeric or dashes', () => {
    const a = parseFtraceLine(`     binder_test-195     (    193) [001] .....    10.183573: binder_alloc_page_start: proc=197 page_index=0`);
    expect(a).toMatchObject({ comm: 'binder_test', pid: 195, tgid: 193, cpu: 1, event: 'binder_alloc_page_start' });
    const b = parseFtraceLine(`     binder_test-195     (-------) [001] .....    10.183573: binder_alloc_page_start: proc=197 page_index=0`);
    expect(b).toMatchObject({ pid: 195, cpu: 1 });
    expect(b && 'tgid' in b).toBe(false);
  });

  it('accepts 4-character latency flags (older kernels) and no flags column at all', () => {
    const old = parseFtraceLine(`         kswapd0-475   [028] .... 305968.252561: mm_shrink_slab_start: ${BODY}`);
    expect(old).toMatchObject({ comm: 'kswapd0', pid: 475, cpu: 28, flags: '....', tsNs: 305_968_252_561_000n });
    const none = parseFtraceLine(`         kswapd0-475   [028] 305968.252561: mm_shrink_slab_start: ${BODY}`);
    expect(none).toMatchObject({ flags: undefined, ts: '305968.252561', body: BODY });
  });

  it('reads trace-cmd report lines: padded event name, ns timestamps, latency flags', () => {
    const r = parseFtraceLine(`         kswapd0-45    [000]   305.123456789: mm_shrink_slab_end:   ${BODY}`);
    expect(r).toMatchObject({ comm: 'kswapd0', pid: 45, cpu: 0, flags: undefined, tsNs: 305_123_456_789n, event: 'mm_shrink_slab_end', body: BODY });
    const l = parseFtraceLine(`         kswapd0-45    [000] d..1.   305.123456: mm_shrink_slab_end: ${BODY}`);
    expect(l).toMatchObject({ flags: 'd..1.', tsNs: 305_123_456_000n });
  });

  it('rejects what is not an event line', () => {
    for (const s of ['# tracer: nop', '', 'cpus=2', 'CPU:1 [LOST 23 EVENTS]', '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION', 'hello world']) {
      expect(parseFtraceLine(s)).toBeUndefined();
    }
  });

  it('parses every line formatFtraceLine writes (property)', () => {
    const comm = fc.stringMatching(/^[a-z<>/:._ -]{1,15}$/).filter((s) => s.trim() === s && s.length > 0);
    fc.assert(
      fc.property(
        comm,
        fc.integer({ min: 0, max: 4_194_304 }),
        fc.integer({ min: 0, max: 511 }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.constantFrom('.....', '.N...', 'd..1.', '...2.'),
        (c, pid, cpu, tsNs, flags) => {
          const line = formatFtraceLine({ comm: c, pid, cpu, flags, tsNs }, 'mm_shrink_slab_start', BODY);
          const r = parseFtraceLine(line);
          expect(r).toMatchObject({ comm: c, pid, cpu, flags, event: 'mm_shrink_slab_start', body: BODY });
          expect(r!.tsNs).toBe((tsNs / 1000n) * 1000n);
        },
      ),
    );
  });
});

describe('timestampToNs', () => {
  it('scales any number of fraction digits', () => {
    expect(timestampToNs('9.781592')).toBe(9_781_592_000n);
    expect(timestampToNs('305.123456789')).toBe(305_123_456_789n);
    expect(timestampToNs('1.5')).toBe(1_500_000_000n);
    expect(timestampToNs('123456789')).toBe(123_456_789n);
  });
});

describe('readTraceLines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shrinksim-parse-'));

  it('streams a gzip fixture with 1-based line numbers', async () => {
    const lines = await collect(FIXTURES.p1);
    expect(lines.length).toBe(400);
    expect(lines[0]).toBe('1:# tracer: nop');
    expect(lines[16]).toBe(`17:${fixtureLines('p1')[16]}`);
  });

  it('detects gzip by magic bytes, not by name; plain text passes through', async () => {
    const text = 'a\nb\r\nc';
    const gzAsTxt = join(dir, 'looks-plain.txt');
    writeFileSync(gzAsTxt, gzipSync(text));
    const plainAsGz = join(dir, 'looks-gz.gz');
    writeFileSync(plainAsGz, text);
    expect(await collect(gzAsTxt)).toEqual(['1:a', '2:b', '3:c']);
    expect(await collect(plainAsGz)).toEqual(['1:a', '2:b', '3:c']);
  });

  it('a missing file is a one-line UserError naming it', async () => {
    const p = join(dir, 'nope.txt');
    await expect(collect(p)).rejects.toThrow(UserError);
    await expect(collect(p)).rejects.toThrow(`${p}: no such file`);
  });

  it('a truncated gzip stream is a UserError naming the file and the line reached', async () => {
    const full = gzipSync(Buffer.from(Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`).join('\n')));
    const p = join(dir, 'cut.gz');
    writeFileSync(p, full.subarray(0, Math.floor(full.length / 2)));
    const err = await collect(p).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(new RegExp(`^${p}:\\d+: corrupt gzip data \\(`));
  });

  it('gzip magic followed by garbage is a UserError', async () => {
    const p = join(dir, 'garbage.gz');
    writeFileSync(p, Buffer.from([0x1f, 0x8b, 0x00, 0x01, 0x02, 0x03, 0x04]));
    await expect(collect(p)).rejects.toThrow(/garbage\.gz:1: corrupt gzip data/);
  });

  it('binary trace-cmd data is refused with a hint', async () => {
    const p = join(dir, 'trace.dat');
    writeFileSync(p, Buffer.concat([Buffer.from([0x17, 0x08, 0x44]), Buffer.from('tracing6\0\0')]));
    await expect(collect(p)).rejects.toThrow(/trace\.dat: binary trace-cmd data; convert it with `trace-cmd report` first/);
  });
});

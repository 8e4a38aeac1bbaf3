/**
 * The real 6.12.95 traces (committed copies) against the model: the pinned result, hand
 * checks, mutations of real lines, other text layouts of the same events, and bad input.
 */
import { describe, expect, it } from 'vitest';
import { analyse, type ConformReport } from '../../../src/trace/conform/analyse.js';
import { collectFile, collectLines } from '../../../src/trace/conform/collect.js';
import { renderTable } from '../../../src/trace/conform/render.js';
import { UserError } from '../../../src/util/errors.js';
import { FIXTURES, fixtureLines, type FixtureName } from '../fixtures.js';

const NAMES: FixtureName[] = ['p1', 'p2', 'p4'];

function run(overrides: Partial<Record<FixtureName, string[]>> = {}, opts = {}): ConformReport {
  return analyse(
    NAMES.map((n) => collectLines(n, overrides[n] ?? fixtureLines(n))),
    opts,
  );
}

/** Index (0-based) of the first line matching all fragments. */
function findLine(name: FixtureName, ...fragments: string[]): number {
  const i = fixtureLines(name).findIndex((l) => fragments.every((f) => l.includes(f)));
  if (i < 0) throw new Error(`no line with ${fragments.join(' & ')}`);
  return i;
}

function mutate(name: FixtureName, index: number, from: string, to: string): string[] {
  const lines = [...fixtureLines(name)];
  expect(lines[index]).toContain(from);
  lines[index] = lines[index]!.replace(from, to);
  return lines;
}

const mismatches = (r: ConformReport) => r.results.filter((x) => x.verdict.kind === 'mismatched');

describe('the three real traces', () => {
  it('158 pairs, all exact, from the gzip files on disk (p1 27, p2 10, p4 121)', async () => {
    const scans = await Promise.all(NAMES.map((n) => collectFile(FIXTURES[n], n)));
    const r = analyse(scans);
    expect(r.totals).toEqual({
      pairs: 158,
      exact: 158,
      consistent: 0,
      mismatched: 0,
      unpairedStarts: 0,
      unpairedEnds: 0,
      otherEvents: 334 + 18635 + 47987,
      nonEventLines: 36,
    });
    expect(r.files.map((f) => [f.file, f.pairs, f.exact, f.mismatched])).toEqual([
      ['p1', 27, 27, 0],
      ['p2', 10, 10, 0],
      ['p4', 121, 121, 0],
    ]);
  });

  it('per function and instance: seeks and batch as the kernel set them', () => {
    const r = run();
    expect(r.functions.map((f) => [f.fn, f.instances, f.pairs, f.mismatched, f.seeks, f.batch])).toEqual([
      ['binder_shrink_scan', 1, 12, 0, [2], [128]],
      ['kfree_rcu_shrink_scan', 1, 37, 0, [2], [128]],
      ['super_cache_scan', 4, 108, 0, [0, 2], [128, 1024]],
      ['vmap_node_shrink_scan', 1, 1, 0, [2], [128]],
    ]);
    const inst = Object.fromEntries(r.instances.map((i) => [i.ptr, [i.seeks.seeks, i.batch.batch, i.batch.determined]]));
    expect(inst).toEqual({
      ffff8f35c1dd5780: [2, 128, true], // binder: 902 → 6 in batches of 128
      ffff8f35c104a300: [2, 128, false],
      ffff8f35c1874180: [2, 1024, true], // the root filesystem: seeks 2, batch 1024
      ffff8f35c1dd5980: [0, 1024, true],
      ffff8f35c1dd5d00: [0, 128, false], // never scanned a full batch: 1024 fits as well
      ffff8f35c1dd5e00: [0, 1024, true],
      ffff8f35c104a200: [2, 128, false], // vmap_node_shrink_scan always returns SHRINK_STOP
    });
  });

  it('hand check: p4 binder pair at priority 6 is F 539, N 6, delta 16, T 16, L 16, S 22, exact', () => {
    const r = run();
    const p = r.results.find((x) => x.pair.fn === 'binder_shrink_scan' && x.numbers.priority === 6 && x.numbers.nr === 6n)!;
    expect(p.numbers).toMatchObject({ freeable: 539n, nr: 6n, delta: 16n, totalScan: 16n, left: 16n, newScan: 22n, retval: 0 });
    expect(p.verdict).toEqual({ kind: 'exact' });
    expect(p.pair.file).toBe('p4');
  });

  it('hand check: p1 root superblock scanned 21 batches of 1024 and deferred the 406 left', () => {
    const r = run();
    const p = r.results.find((x) => x.pair.ptr === 'ffff8f35c1874180' && x.pair.file === 'p1')!;
    expect(p.numbers).toMatchObject({ freeable: 10955n, delta: 21910n, totalScan: 21910n, left: 406n, newScan: 406n, retval: 10955 });
  });
});

describe('mutations of real lines are mismatches with the expected value', () => {
  const binderStart = (): number => findLine('p4', 'binder_shrink_scan', 'objects to shrink 6 ', 'priority 6');
  const binderEnd = (): number => findLine('p4', 'binder_shrink_scan', 'unused scan count 6 new scan count 22');

  const single = (r: ConformReport) => {
    const m = mismatches(r);
    expect(m.length).toBe(1);
    expect(r.totals.mismatched).toBe(1);
    expect(r.totals.exact).toBe(157);
    return m[0]!;
  };

  it('delta 16 → 17', () => {
    const i = binderStart();
    const m = single(run({ p4: mutate('p4', i, 'delta 16 ', 'delta 17 ') }));
    expect(m.pair.start.lineNo).toBe(i + 1);
    expect(m.verdict).toMatchObject({ issues: expect.arrayContaining([expect.objectContaining({ field: 'delta', expected: '16', got: '17' })]) });
  });

  it('start total_scan 16 → 17', () => {
    const m = single(run({ p4: mutate('p4', binderStart(), 'total_scan 16 ', 'total_scan 17 ') }));
    expect(m.verdict).toMatchObject({ issues: expect.arrayContaining([expect.objectContaining({ field: 'total_scan', expected: '16', got: '17' })]) });
  });

  it('new scan count 22 → 23', () => {
    const m = single(run({ p4: mutate('p4', binderEnd(), 'new scan count 22 ', 'new scan count 23 ') }));
    expect(m.verdict).toEqual({ kind: 'mismatched', issues: [expect.objectContaining({ field: 'new_scan', on: 'end', expected: '22', got: '23' })] });
  });

  it('return value 0 → 3 although nothing was scanned', () => {
    const m = single(run({ p4: mutate('p4', binderEnd(), 'return val 0', 'return val 3') }));
    expect(m.verdict).toEqual({ kind: 'mismatched', issues: [expect.objectContaining({ field: 'retval', expected: '0', got: '3' })] });
  });

  it('end total_scan 406 → 408 on the root superblock (even step: not a batch multiple of 1024)', () => {
    const i = findLine('p1', 'mm_shrink_slab_end: super_cache_scan', 'ffff8f35c1874180', 'total_scan 406');
    const r = run({ p1: mutate('p1', i, 'total_scan 406 ', 'total_scan 408 ') });
    const m = single(r);
    expect(r.instances.find((x) => x.ptr === 'ffff8f35c1874180')!.batch.batch).toBe(1024);
    expect(m.verdict).toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ field: 'end_total_scan', expected: '406', got: '408' })]),
    });
  });

  it('the table names file:line, shows the line and expected vs got', () => {
    const i = binderEnd();
    const lines = mutate('p4', i, 'new scan count 22 ', 'new scan count 23 ');
    const text = renderTable(run({ p4: lines }));
    expect(text).toContain(`p4:${i + 1}: ${lines[i]!.trim()}`);
    expect(text).toContain('new scan count: expected 22, got 23');
    expect(text).toContain('FAIL: 1 of 158 pairs mismatched');
  });

  it('--seeks/--batch override inference (a wrong value shows up as mismatches)', () => {
    const r = run({}, { seeks: new Map([['binder_shrink_scan', 4]]) });
    expect(r.instances.find((x) => x.fn === 'binder_shrink_scan')!.seeks).toMatchObject({ seeks: 4, source: 'given' });
    expect(r.totals.mismatched).toBeGreaterThan(0);
    const ok = run({}, { seeks: new Map([['binder_shrink_scan', 2]]), batch: new Map([['super_cache_scan', 1024]]) });
    expect(ok.totals.mismatched).toBe(0);
    expect(ok.instances.filter((x) => x.fn === 'super_cache_scan').every((x) => x.batch.batch === 1024 && x.batch.source === 'given')).toBe(true);
  });
});

describe('the same events in other layouts', () => {
  /** Rewrites a kernel trace line as `trace-cmd report` prints it. */
  function asTraceCmd(line: string): string | undefined {
    const m = /^\s*(.+)-(\d+)\s+\[(\d+)\] \S+\s+(\d+\.\d+): ([\w]+): (.*)$/.exec(line);
    if (!m) return undefined;
    const [, comm, pid, cpu, ts, event, body] = m;
    // %p printed with 0x by libtraceevent; the event name padded to a column.
    const b = body!.replace(/ (ffff[0-9a-f]{12}): nid:/, ' 0x$1: nid:');
    return `${comm!.padStart(16)}-${pid!.padEnd(5)} [${cpu}] ${ts}000: ${(event + ':').padEnd(22)} ${b}`;
  }

  it('trace-cmd report text gives the same 158 exact pairs', () => {
    const over = Object.fromEntries(
      NAMES.map((n) => [n, ['cpus=2', ...fixtureLines(n).flatMap((l) => asTraceCmd(l) ?? [])]]),
    );
    expect(over.p4![1]).toMatch(/^\s+\S+-\d+\s+\[\d+\] \d+\.\d{9}: \S+:\s+/);
    const r = run(over);
    expect(r.totals).toMatchObject({ pairs: 158, exact: 158, mismatched: 0 });
    expect(r.instances.length).toBe(7);
  });

  it('unresolved %pS (hex) works: the address stands for the function', () => {
    const p4 = fixtureLines('p4').map((l) => l.replace('binder_shrink_scan+0x0/0xd0 [binder_linux]', '0xffffffffc0a1b2c0'));
    const r = run({ p4 });
    expect(r.totals).toMatchObject({ pairs: 158, mismatched: 0 });
    expect(r.functions.map((f) => f.fn)).toContain('0xffffffffc0a1b2c0');
  });

  it('6.1-style 4-character latency flags give the same result', () => {
    const four = (n: FixtureName) => fixtureLines(n).map((l) => l.replace(/\] (\S{4})\S /, '] $1 '));
    expect(four('p1')[16]).toMatch(/\] \.\S\.\. +9\.781592/);
    const r = run({ p1: four('p1'), p2: four('p2'), p4: four('p4') });
    expect(r.totals).toMatchObject({ pairs: 158, exact: 158, mismatched: 0 });
  });
});

describe('unpaired and truncated traces', () => {
  it('a start whose end was cut off is unpaired, not mismatched', () => {
    const lines = fixtureLines('p1');
    const lastStart = lines.findLastIndex((l) => l.includes('mm_shrink_slab_start:'));
    const r = run({ p1: lines.slice(0, lastStart + 1) });
    expect(r.totals).toMatchObject({ pairs: 157, mismatched: 0, unpairedStarts: 1, unpairedEnds: 0 });
    expect(r.unpaired).toEqual([expect.objectContaining({ file: 'p1', kind: 'start-without-end', line: expect.objectContaining({ lineNo: lastStart + 1 }) })]);
    expect(renderTable(r)).toContain(`p1:${lastStart + 1}: start without end`);
  });

  it('an end whose start is before the trace began is unpaired', () => {
    const lines = [...fixtureLines('p1')];
    const firstStart = lines.findIndex((l) => l.includes('mm_shrink_slab_start:'));
    lines.splice(firstStart, 1);
    const r = run({ p1: lines });
    expect(r.totals).toMatchObject({ pairs: 157, mismatched: 0, unpairedStarts: 0, unpairedEnds: 1 });
  });
});

describe('bad input is a one-line UserError naming file and line', () => {
  const err = (lines: string[]): UserError => {
    try {
      collectLines('bad.txt', lines);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      return e as UserError;
    }
    throw new Error('no error');
  };

  it('a start body that does not parse', () => {
    const lines = mutate('p1', 16, 'cache items 15', 'cache items x');
    const e = err(lines);
    expect(e.message).toMatch(/^bad\.txt:17: mm_shrink_slab_start body: expected "<symbol> <ptr>: nid: N objects to shrink N /);
    expect(e.message).not.toContain('\n');
    expect(e.exitCode).toBe(2);
  });

  it('an end body that does not parse', () => {
    expect(err(mutate('p1', 17, 'last shrinker return val 0', 'last shrinker return val')).message).toMatch(/^bad\.txt:18: mm_shrink_slab_end body: expected/);
  });

  it('a shrinker line with a mangled prefix', () => {
    expect(err(mutate('p1', 16, '[001]', '[cpu1]')).message).toMatch(/^bad\.txt:17: expected an ftrace event line/);
  });

  it('a file that is not ftrace text at all', () => {
    expect(err(['hello', 'world']).message).toMatch(/^bad\.txt:1: expected ftrace text/);
    // An empty trace (header only) is fine.
    expect(collectLines('empty.txt', fixtureLines('p1').slice(0, 12)).pairs).toEqual([]);
  });

  it('a missing file', async () => {
    await expect(collectFile('/nonexistent/trace.txt')).rejects.toThrow('/nonexistent/trace.txt: no such file');
  });
});

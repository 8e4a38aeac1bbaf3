/**
 * Issue 9: `conform` passed an empty or header-only file ("OK: all 0 pairs reproduced") and a
 * trace with a shrinker line deleted or swapped mid-trace. Orphans at the very start or end of
 * a capture are normal; in the middle of a trace that reports no lost events they are a
 * finding (exit 1).
 */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../src/trace/conform/analyse.js';
import { collectLines } from '../../../src/trace/conform/collect.js';
import { conformCommand } from '../../../src/cli/commands/conform.js';
import { fixtureLines, shrinkLines } from '../fixtures.js';

const findingsOf = (lines: string[], file = 't.txt') => analyse([collectLines(file, lines)]).findings;
const HEADER = fixtureLines('p1').slice(0, 12);

describe('conform findings', () => {
  it('an empty file has nothing to check', () => {
    expect(findingsOf([])).toEqual([{ file: 't.txt', message: 'no mm_shrink_slab_start/end pairs to check (empty file)' }]);
  });
  it('a header-only file has nothing to check', () => {
    expect(findingsOf(HEADER)).toEqual([{ file: 't.txt', message: 'no mm_shrink_slab_start/end pairs to check (no shrinker calls in the trace)' }]);
  });
  it('the real trace as captured has no findings', () => {
    expect(findingsOf(fixtureLines('p1'))).toEqual([]);
  });
  it('a start deleted mid-trace leaves its end orphaned: a finding at the end line', () => {
    const lines = fixtureLines('p1');
    const starts = shrinkLines('p1').filter((l) => l.text.includes('mm_shrink_slab_start'));
    const victim = starts[4]!.lineNo; // 1-based
    const cut = lines.filter((_, i) => i + 1 !== victim);
    const f = findingsOf(cut);
    expect(f).toHaveLength(1);
    // The end that followed the deleted start moves up one line.
    const endLine = shrinkLines('p1').find((l) => l.lineNo > victim && l.text.includes('mm_shrink_slab_end'))!.lineNo - 1;
    expect(f[0]).toEqual({ file: 't.txt', line: endLine, message: 'mm_shrink_slab_end of pid 1 has no mm_shrink_slab_start in the middle of a trace that reports no lost events' });
  });
  it('an end deleted mid-trace: the start is the finding', () => {
    const lines = fixtureLines('p1');
    const ends = shrinkLines('p1').filter((l) => l.text.includes('mm_shrink_slab_end'));
    const victim = ends[3]!.lineNo;
    const startLine = [...shrinkLines('p1')].reverse().find((l) => l.lineNo < victim && l.text.includes('mm_shrink_slab_start'))!.lineNo;
    const f = findingsOf(lines.filter((_, i) => i + 1 !== victim));
    expect(f.map((x) => x.line)).toEqual([startLine]);
  });
  it('an end before any start of its task (capture began mid-call) and a start at the very end are normal', () => {
    const sl = shrinkLines('p1');
    const firstStart = sl.findIndex((l) => l.text.includes('mm_shrink_slab_start'));
    const lastEnd = sl.length - 1;
    const lines = fixtureLines('p1').filter((_, i) => i + 1 !== sl[firstStart]!.lineNo && i + 1 !== sl[lastEnd]!.lineNo);
    const scan = collectLines('t.txt', lines);
    expect(scan.orphanEnds).toHaveLength(1);
    expect(scan.orphanStarts).toHaveLength(1);
    expect(analyse([scan]).findings).toEqual([]);
  });
  it('a trace that reports lost events is excepted', () => {
    const lines = fixtureLines('p1');
    const victim = shrinkLines('p1').filter((l) => l.text.includes('mm_shrink_slab_start'))[4]!.lineNo;
    const cut = lines.filter((_, i) => i + 1 !== victim);
    cut.splice(20, 0, 'CPU:1 [LOST 3 EVENTS]');
    expect(findingsOf(cut)).toEqual([]);
  });
  it('exit 1 with FAIL on an empty file', async () => {
    let out = '';
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const f = join(mkdtempSync(join(tmpdir(), 'conform-empty-')), 'empty.txt');
    writeFileSync(f, '');
    const code = await conformCommand({ command: 'conform', traces: [f], json: false, seeks: new Map(), batch: new Map() }, { write: (s) => (out += s), color: false });
    expect(code).toBe(1);
    expect(out.trimEnd().split('\n').at(-1)).toBe('FAIL: 1 finding');
  });
});

/**
 * `check` for CI systems: `--no-progress`, `--json FILE`, `--junit FILE`, end to end through
 * `main(argv)`. Exit codes stay 0 (ok / written), 1 (moved), 2 (bad input).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../captureIo.js';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { xmlEscape } from '../../src/report/checkReport.js';

const io = captureIo();

const dir = mkdtempSync(join(tmpdir(), 'shrinksim-checkci-'));
// A scenario name with the three characters XML must escape in attributes.
const SMALL = join(dir, 'small.yaml');
writeFileSync(
  SMALL,
  `name: 'a<b & "c"'
shrinkers: [{name: sb, kind: superblock, count: 5000}]
binder: {procs: [{name: p, mmap: 128KiB}]}
script:
  - alloc: {proc: p, buffer: a, data: 40000}
  - free: {proc: p, buffer: a}
  - shrink_slab: {priority: 0}
`,
);
const base = join(dir, 'base.json');

/**
 * A tiny XML well-formedness check: every start tag is closed by the matching end tag in
 * order, attribute values are quoted and hold no raw `<`, `&` (other than an entity) or `"`,
 * and text holds no raw `<` or stray `&`. Returns the elements as [name, attrs, text] in order.
 */
function parseXml(xml: string): { name: string; attrs: Record<string, string>; text: string }[] {
  const body = xml.replace(/^<\?xml [^?]*\?>\n/, '');
  const entity = /&(amp|lt|gt|quot|apos);/g;
  const unescape = (s: string) => s.replace(entity, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);
  const stack: string[] = [];
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const re = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(body)) !== null) {
    pos = re.lastIndex;
    const [, close, name, attrText, selfClose, text] = m;
    if (text !== undefined) {
      if (text.replace(entity, '').includes('&')) throw new Error(`raw & in text: ${text}`);
      if (stack.length > 0 && elements.length > 0) elements[elements.length - 1]!.text += unescape(text);
      continue;
    }
    if (close) {
      if (stack.pop() !== name) throw new Error(`</${name}> does not close the open element`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([\w.-]+)="([^"]*)"/g)) {
      if (a[2]!.replace(entity, '').includes('&')) throw new Error(`raw & in attribute ${a[1]}`);
      attrs[a[1]!] = unescape(a[2]!);
    }
    elements.push({ name: name!, attrs, text: '' });
    if (!selfClose) stack.push(name!);
  }
  if (pos !== body.length) throw new Error(`not XML at offset ${pos}: ${body.slice(pos, pos + 40)}`);
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(', ')}`);
  return elements;
}

describe('check --no-progress', () => {
  it('is accepted (exit 0), as run accepts it', async () => {
    expect(await main(['check', SMALL, '--baseline', base, '--update', '--no-progress'])).toBe(0);
    expect(await main(['check', SMALL, '--baseline', base, '--no-progress'])).toBe(0);
    expect(io.err).toBe('');
  });
});

describe('check --json', () => {
  it('ok: every count with baseline/now/change/relative/moved, exit 0', async () => {
    await main(['check', SMALL, '--baseline', base, '--update']);
    const file = join(dir, 'ok.json');
    expect(await main(['check', SMALL, '--baseline', base, '--json', file, '--tolerance', '5%'])).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const pinned = JSON.parse(readFileSync(base, 'utf8'));
    expect(doc).toMatchObject({
      kind: 'shrinksim-check',
      scenario: { name: 'a<b & "c"', file: SMALL },
      baseline: { file: base, seed: 1 },
      seed: 1,
      tolerance: 0.05,
      verdict: 'ok',
      moved: 0,
      notes: [],
    });
    expect(doc.compared).toBe(Object.keys(pinned.metrics).length);
    expect(doc.counts.map((c: { metric: string }) => c.metric)).toEqual(Object.keys(pinned.metrics));
    const freed = doc.counts.find((c: { metric: string }) => c.metric === 'shrinker.sb.freed');
    expect(freed).toEqual({ metric: 'shrinker.sb.freed', baseline: pinned.metrics['shrinker.sb.freed'], now: pinned.metrics['shrinker.sb.freed'], change: 0, relative: 0, moved: false });
    // The human line still goes to stdout when no output is `-`.
    expect(io.out).toMatch(/ok: \d+ counts within tolerance 5%/);
  });

  it('moved: the count is flagged with its change and relative change, exit 1; - is stdout', async () => {
    const b = JSON.parse(readFileSync(base, 'utf8'));
    const was = Number(b.metrics['shrinker.sb.freed']);
    expect(was).toBeGreaterThan(0);
    b.metrics['shrinker.sb.freed'] = was * 2; // now is half the baseline: change −was, −50%
    b.metrics['shrinker.sb.bogus'] = '9007199254740993'; // 2^53 + 1: only in the baseline, unsafe
    const moved = join(dir, 'moved.json');
    writeFileSync(moved, JSON.stringify(b));
    expect(await main(['check', SMALL, '--baseline', moved, '--json', '-'])).toBe(1);
    const doc = JSON.parse(io.out);
    expect(doc.verdict).toBe('moved');
    expect(doc.moved).toBe(2);
    const row = (m: string) => doc.counts.find((c: { metric: string }) => c.metric === m);
    expect(row('shrinker.sb.freed')).toEqual({ metric: 'shrinker.sb.freed', baseline: was * 2, now: was, change: -was, relative: -0.5, moved: true });
    // Unsafe bigints are decimal strings, as in the other JSON outputs.
    expect(row('shrinker.sb.bogus')).toEqual({ metric: 'shrinker.sb.bogus', baseline: '9007199254740993', now: 0, change: '-9007199254740993', relative: -1, moved: true });
    // The table went to stderr, not into the JSON.
    expect(io.err).toMatch(/2 of \d+ counts moved beyond tolerance 0 \(exact\):/);
  });

  it('--update: verdict written, counts without a baseline', async () => {
    const file = join(dir, 'written.json');
    expect(await main(['check', SMALL, '--baseline', join(dir, 'new-base.json'), '--update', '--json', file])).toBe(0);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc).toMatchObject({ verdict: 'written', compared: 0, moved: 0 });
    expect(doc.counts.length).toBeGreaterThan(0);
    expect(doc.counts[0]).toMatchObject({ baseline: null, change: null, relative: null, moved: false });
  });

  it('bad input still exits 2: two outputs on stdout, unwritable file', async () => {
    expect(await main(['check', SMALL, '--baseline', base, '--json', '-', '--junit', '-'])).toBe(2);
    expect(io.err).toBe('--json and --junit: only one output can go to standard output (-)\n');
    io.err = '';
    expect(await main(['check', SMALL, '--baseline', base, '--junit', join(dir, 'no', 'dir.xml')])).toBe(2);
    expect(io.err).toBe(`${join(dir, 'no', 'dir.xml')}: no such directory\n`);
  });
});

describe('check --junit', () => {
  it('well-formed XML: one testsuite, one testcase per count, a failure per moved count', async () => {
    const b = JSON.parse(readFileSync(base, 'utf8'));
    const was = Number(b.metrics['shrinker.sb.freed']);
    b.metrics['shrinker.sb.freed'] = was * 4; // now = a quarter: −75.0%
    const moved = join(dir, 'moved4.json');
    writeFileSync(moved, JSON.stringify(b));
    const file = join(dir, 'report.xml');
    expect(await main(['check', SMALL, '--baseline', moved, '--junit', file])).toBe(1);
    const xml = readFileSync(file, 'utf8');
    const els = parseXml(xml);
    expect(els.filter((e) => e.name === 'testsuite')).toHaveLength(1);
    const suite = els.find((e) => e.name === 'testsuite')!;
    // The scenario name's < & " came through escaped and read back intact.
    expect(suite.attrs.name).toBe('shrinksim check a<b & "c"');
    expect(xml).toContain('a&lt;b &amp; &quot;c&quot;');
    const cases = els.filter((e) => e.name === 'testcase');
    expect(cases.length).toBe(Object.keys(b.metrics).length);
    expect(suite.attrs).toMatchObject({ tests: String(cases.length), failures: '1' });
    const failures = els.filter((e) => e.name === 'failure');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.attrs.message).toBe(`baseline ${was * 4}, now ${was} (-75.0%)`);
    // The failure belongs to the count that moved.
    const idx = els.indexOf(failures[0]!);
    expect(els[idx - 1]).toMatchObject({ name: 'testcase', attrs: { name: 'shrinker.sb.freed' } });
  });

  it('a growth reads +Z%, and an ok check has no failure (exit 0)', async () => {
    const b = JSON.parse(readFileSync(base, 'utf8'));
    const was = Number(b.metrics['shrinker.sb.scanned']);
    expect(was % 2).toBe(0);
    b.metrics['shrinker.sb.scanned'] = was / 2; // now is twice the baseline: +100.0%
    const moved = join(dir, 'grew.json');
    writeFileSync(moved, JSON.stringify(b));
    expect(await main(['check', SMALL, '--baseline', moved, '--junit', '-'])).toBe(1);
    const fail = parseXml(io.out).filter((e) => e.name === 'failure');
    expect(fail.map((f) => f.attrs.message)).toEqual([`baseline ${was / 2}, now ${was} (+100.0%)`]);
    io.out = '';
    expect(await main(['check', SMALL, '--baseline', base, '--junit', '-'])).toBe(0);
    expect(parseXml(io.out).filter((e) => e.name === 'failure')).toEqual([]);
  });

  it('xmlEscape escapes the five specials and drops characters XML forbids', () => {
    expect(xmlEscape(`<a & "b" 'c'>\u0001`)).toBe('&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;');
  });
});

// Seeded mutators for fuzzing shrinksim's inputs: scenario files (`run`), ftrace text
// (`conform`) and baselines (`check`). Shared by the suite's fuzz tests (test/fuzz/) and the
// long campaigns of `npm run fuzz` (scripts/fuzz.mjs). Every mutation is a pure function of
// (base text, class, picks); fast-check draws the class and the picks from its seed.
import fc from 'fast-check';
import { parse, parseDocument, stringify, visit } from 'yaml';

/** The mutation classes of scenario files, as the issue lists them. */
export const SCENARIO_CLASSES = [
  'delete-key', 'swap-type', 'huge-number', 'bad-unit', 'unicode', 'duplicate-key', 'truncate',
  'garbage', 'alias', 'deep-nesting', 'dangling-name', 'extreme-time',
];
export const TRACE_CLASSES = ['delete-line', 'swap-lines', 'duplicate-line', 'truncate', 'garbage', 'number', 'unicode', 'empty', 'header-only', 'gzip'];
export const BASELINE_CLASSES = ['delete-key', 'swap-type', 'huge-number', 'unicode', 'duplicate-key', 'truncate', 'garbage', 'schema'];

const SWAPS = [42, -1, 'text', true, null, [], {}, [1, 2], { a: 1 }, 0, ''];
const HUGE = [1e308, -1e308, 9007199254740993, -1, -0.5, 0.1, 1e-300, 2 ** 53, 2 ** 64, '1e400', '-9223372036854775808', 18446744073709551615n];
const BAD_UNITS = ['4 parsecs', '10', '1.5ns', '-3/s', '1e3s', '5MiB/s/s', '∞', '0x10', '', ' ', '1_000ms', 'NaN', '-1ms', '1.5', '4096TiB', '1000000000/s', '99999999999999999999h', '0.0000001ns'];
const UNICODE = ['app\u202Eevil', '😀😀', 'a\u0000b', '名前', 'a\u200Bb', 'x'.repeat(10000), 'Ω', '\uFEFFname', '\uD800', 'é'];
const DANGLING_KEYS = new Set(['proc', 'memcg', 'parent', 'shrinker', 'buffer', 'pool', 'lock', 'kind', 'driver']);
const TIME_KEYS = new Set(['duration', 'sample', 'until', 'from', 'by', 'every', 'gap', 'hold', 'at', 'mean', 'min', 'max', 'time']);
const TIMES = [0, '0', '1ns', '720h', '721h', '87600h', '1h', '100ms', '10000h', '1s'];
const GARBAGE = [':', '{', '}', '[', ']', '&', '*', '!', '|', '>', '%', '@', '`', '\t', '"', "'", '\\', '\n', '- ', '#', '?', ',', '\u0000', '\uFFFD'];

/** Every path in a JS value (objects and arrays), root excluded. */
function pathsOf(v, path = [], out = []) {
  if (v && typeof v === 'object') {
    for (const k of Array.isArray(v) ? v.keys() : Object.keys(v)) {
      const p = [...path, k];
      out.push(p);
      pathsOf(v[k], p, out);
    }
  }
  return out;
}

const at = (list, i) => list[((i % list.length) + list.length) % list.length];

function setPath(root, path, value) {
  let o = root;
  for (const k of path.slice(0, -1)) o = o[k];
  o[path[path.length - 1]] = value;
}

function deletePath(root, path) {
  let o = root;
  for (const k of path.slice(0, -1)) o = o[k];
  const k = path[path.length - 1];
  if (Array.isArray(o)) o.splice(k, 1);
  else delete o[k];
}

const getPath = (root, path) => path.reduce((o, k) => o?.[k], root);

/** Text of a mutated value: YAML, or JSON for .json files (bigints as bare digits). */
function render(v, ext) {
  if (ext === '.json') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `__BIG${x}__` : x), 2).replace(/"__BIG(\d+)__"/g, '$1');
  return stringify(v, { aliasDuplicateObjects: false });
}

/** One mutated scenario text. `picks` are non-negative integers drawn by fast-check. */
export function mutateScenario(base, cls, picks, ext = '.yaml') {
  const [a, b, c] = picks;
  const lines = base.split('\n');
  switch (cls) {
    case 'duplicate-key': {
      const keyed = lines.map((l, i) => [l, i]).filter(([l]) => /^\s*[\w$]+:/.test(l));
      if (keyed.length === 0) return base;
      const [l, i] = at(keyed, a);
      return [...lines.slice(0, i + 1), l, ...lines.slice(i + 1)].join('\n');
    }
    case 'truncate':
      return base.slice(0, a % (base.length + 1));
    case 'garbage': {
      const pos = a % (base.length + 1);
      let g = '';
      for (let k = 0; k <= b % 8; k++) g += at(GARBAGE, c + k * 7);
      return base.slice(0, pos) + g + base.slice(pos + (c % 3));
    }
    case 'alias': {
      if (a % 3 === 0) {
        // Ordinary use: equal scalars of the file become one anchor and aliases of it.
        const doc = parseDocument(base);
        const groups = new Map();
        visit(doc, {
          Scalar(_k, node) {
            const key = JSON.stringify(node.value);
            groups.set(key, [...(groups.get(key) ?? []), node]);
          },
        });
        const shared = [...groups.values()].filter((g) => g.length >= 2);
        if (shared.length > 0) {
          const [first, ...rest] = at(shared, b);
          first.anchor = 'shared';
          visit(doc, { Scalar: (_k, node) => (rest.includes(node) ? doc.createAlias(first, 'shared') : undefined) });
          return doc.toString();
        }
      }
      const width = 3 + (b % 8);
      const levels = 3 + (c % 7);
      const out = [`l0: &l0 [${Array(width).fill('"lol"').join(',')}]`];
      for (let k = 1; k < levels; k++) out.push(`l${k}: &l${k} [${Array(width).fill(`*l${k - 1}`).join(',')}]`);
      return `${out.join('\n')}\n${base}`;
    }
    case 'deep-nesting': {
      const depth = [10, 63, 65, 200, 5000, 100000][a % 6];
      const v = parse(base) ?? {};
      const paths = pathsOf(v);
      const nested = b % 2 === 0 ? '['.repeat(depth) + '1' + ']'.repeat(depth) : '{a: '.repeat(depth) + '1' + '}'.repeat(depth);
      if (paths.length === 0) return `name: ${nested}\n`;
      setPath(v, at(paths, c), '__DEEP__');
      return render(v, '.yaml').replace(/(["']?)__DEEP__\1/, nested);
    }
    default:
      break;
  }
  let v;
  try {
    v = parse(base);
  } catch {
    return base;
  }
  if (!v || typeof v !== 'object') return base;
  const paths = pathsOf(v);
  if (paths.length === 0) return base;
  const p = at(paths, a);
  if (mutateShared(v, p, cls, b, HUGE)) return render(v, ext);
  switch (cls) {
    case 'bad-unit': {
      const leaves = paths.filter((q) => typeof getPath(v, q) === 'string' || typeof getPath(v, q) === 'number');
      setPath(v, leaves.length ? at(leaves, a) : p, at(BAD_UNITS, b));
      break;
    }
    case 'unicode': {
      const u = at(UNICODE, b);
      if (c % 2 === 0) setPath(v, p, u);
      else {
        const parent = p.length > 1 ? getPath(v, p.slice(0, -1)) : v;
        if (parent && !Array.isArray(parent) && typeof parent === 'object') parent[u] = 1;
      }
      break;
    }
    case 'dangling-name': {
      const named = paths.filter((q) => DANGLING_KEYS.has(String(q[q.length - 1])));
      if (named.length) setPath(v, at(named, a), at(['nonexistent', 'root2', 'android-binder-x', ''], b));
      else (v.script ??= []).push({ shrink_slab: { priority: 0, memcg: 'nonexistent' } });
      break;
    }
    case 'extreme-time': {
      const timed = paths.filter((q) => TIME_KEYS.has(String(q[q.length - 1])));
      if (timed.length && b % 3 !== 0) setPath(v, at(timed, a), at(TIMES, c));
      else v.duration = at(TIMES, c);
      break;
    }
    default:
      throw new Error(`unknown class ${cls}`);
  }
  return render(v, ext);
}

/** The mutations of a parsed document that scenario and baseline files share; false for the others. */
function mutateShared(v, p, cls, b, huge) {
  switch (cls) {
    case 'delete-key':
      deletePath(v, p);
      return true;
    case 'swap-type':
      setPath(v, p, structuredClone(at(SWAPS, b)));
      return true;
    case 'huge-number':
      setPath(v, p, at(huge, b));
      return true;
    default:
      return false;
  }
}

const pickArb = fc.tuple(fc.nat(), fc.nat(), fc.nat());

/** A fast-check arbitrary of scenario fuzz cases over `bases` (names of bundled scenarios). */
export const scenarioCaseArb = (bases) =>
  fc.record({ base: fc.constantFrom(...bases), cls: fc.constantFrom(...SCENARIO_CLASSES), picks: pickArb, ext: fc.constantFrom('.yaml', '.yaml', '.json') });

/** One mutated trace (lines), or a marker for gzip corruption. */
export function mutateTrace(lines, cls, picks) {
  const [a, b, c] = picks;
  const events = lines.map((l, i) => [l, i]).filter(([l]) => /: [a-z_]+: /.test(l));
  const ev = (k) => (events.length ? at(events, k)[1] : 0);
  const out = [...lines];
  switch (cls) {
    case 'delete-line':
      out.splice(ev(a), 1);
      break;
    case 'swap-lines': {
      const i = ev(a);
      const j = Math.min(out.length - 1, i + 1 + (b % 3));
      [out[i], out[j]] = [out[j], out[i]];
      break;
    }
    case 'duplicate-line':
      out.splice(ev(a), 0, out[ev(a)]);
      break;
    case 'truncate': {
      const text = lines.join('\n');
      return { text: text.slice(0, a % (text.length + 1)) };
    }
    case 'garbage': {
      const i = ev(a);
      const l = out[i] ?? '';
      const pos = b % (l.length + 1);
      out[i] = l.slice(0, pos) + at(GARBAGE, c) + at(GARBAGE, c + 3) + l.slice(pos + (c % 4));
      break;
    }
    case 'number': {
      const i = ev(a);
      let k = 0;
      const target = b % 12;
      out[i] = (out[i] ?? '').replace(/\d+/g, (m) => (k++ === target ? String(at(['18446744073709551616', '-1', '99999999999999999999999', '0', '4294967296'], c)) : m));
      break;
    }
    case 'unicode': {
      const i = ev(a);
      out[i] = (out[i] ?? '').replace(/[a-z]/, at(UNICODE.slice(0, 9), b));
      break;
    }
    case 'empty':
      return { text: '' };
    case 'header-only':
      return { text: lines.filter((l) => l.startsWith('#')).join('\n') + '\n' };
    case 'gzip':
      return { text: lines.join('\n'), gzipCorrupt: a };
    default:
      throw new Error(`unknown class ${cls}`);
  }
  return { text: `${out.join('\n')}\n` };
}

export const traceCaseArb = (bases) => fc.record({ base: fc.constantFrom(...bases), cls: fc.constantFrom(...TRACE_CLASSES), picks: pickArb });

/** One mutated baseline JSON text. */
export function mutateBaseline(base, cls, picks) {
  const [a, b, c] = picks;
  if (cls === 'truncate') return base.slice(0, a % (base.length + 1));
  if (cls === 'garbage') {
    const pos = a % (base.length + 1);
    return base.slice(0, pos) + at(GARBAGE, b) + base.slice(pos + (c % 3));
  }
  if (cls === 'duplicate-key') {
    const lines = base.split('\n');
    const keyed = lines.map((l, i) => [l, i]).filter(([l]) => /^\s*"[^"]+":/.test(l));
    const [l, i] = at(keyed, a);
    const dup = l.replace(/:\s*.*$/, `: ${JSON.stringify(at(SWAPS, b))},`);
    return [...lines.slice(0, i), dup, ...lines.slice(i)].join('\n');
  }
  const v = JSON.parse(base);
  const paths = pathsOf(v);
  const p = at(paths, a);
  // JSON has no bigints.
  if (mutateShared(v, p, cls, b, HUGE.filter((x) => typeof x !== 'bigint'))) return JSON.stringify(v, null, 2);
  switch (cls) {
    case 'unicode':
      setPath(v, p, at(UNICODE, b));
      break;
    case 'schema':
      [() => (v.schemaVersion = 2), () => (v.kind = 'shrinksim-result'), () => (v.tool = null), () => (v.tool = { name: 'other', version: '1' }), () => (v.seed = -1), () => (v.metrics = [])][b % 6]();
      break;
    default:
      throw new Error(`unknown class ${cls}`);
  }
  return JSON.stringify(v, null, 2);
}

export const baselineCaseArb = () => fc.record({ cls: fc.constantFrom(...BASELINE_CLASSES), picks: pickArb });

/**
 * The outcome class of one CLI call: `ok` (exit 0, outputs parse), `finding` (exit 1 where
 * the command uses it), `refused` (exit 2, every stderr line names the file), or a failure:
 * `crash` (a stack trace or an internal error), `bad-message`, `bad-output`, `other-exit`.
 */
export function classify({ code, stderr, label, allowed1 = false, outputsOk = true }) {
  if (/\n\s+at |internal error|Error:/.test(stderr) && code !== 2) return 'crash';
  if (code === 0) return outputsOk ? 'ok' : 'bad-output';
  if (code === 1 && allowed1) return outputsOk ? 'finding' : 'bad-output';
  if (code === 2) {
    const lines = stderr.trimEnd().split('\n');
    const named = lines.every((l) => l.startsWith(`${label}:`) || l.startsWith(`${label}: …`));
    return named && lines.length <= 6 && lines[0].length > label.length + 2 ? 'refused' : 'bad-message';
  }
  return 'other-exit';
}

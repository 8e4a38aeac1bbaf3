/**
 * A checker of the Trace Event Format (the JSON of chrome://tracing and ui.perfetto.dev), written
 * from the format's document ("Trace Event Format", Google, and Perfetto's JSON importer rules),
 * not from the renderer: it returns every rule a file breaks.
 *
 * - valid JSON: an object with a `traceEvents` array (or a bare array);
 * - each event: `ph` in B E X i I C M, string `name`, integer `pid` and `tid`, and (not M) a
 *   finite `ts` ≥ 0 in µs;
 * - X: finite `dur` ≥ 0; B/E matched per (pid, tid), E after its B;
 * - slices of one (pid, tid) nest: any two are disjoint or one contains the other, compared
 *   in whole ns as Perfetto's importer converts µs (`int64(µs × 1000.0)`, truncating);
 * - C: `args` an object of finite numbers, at least one;
 * - M: a known metadata name; `*_name` carries a string `args.name`; every pid with events is
 *   named by `process_name`, every (pid, tid) with slices or instants by `thread_name`.
 */
const PHASES = new Set(['B', 'E', 'X', 'i', 'I', 'C', 'M']);
const META = new Set(['process_name', 'process_sort_index', 'thread_name', 'thread_sort_index', 'process_labels']);
/** µs → ns as Perfetto's json_utils CoerceToTs does it. */
export const ns = (us: number): number => Math.trunc(us * 1000);

export interface Ev {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown>;
}

export function parseTrace(text: string): Ev[] {
  const doc = JSON.parse(text) as unknown;
  if (Array.isArray(doc)) return doc as Ev[];
  if (doc === null || typeof doc !== 'object' || !Array.isArray((doc as { traceEvents?: unknown }).traceEvents)) {
    throw new Error('not a trace: no traceEvents array');
  }
  return (doc as { traceEvents: Ev[] }).traceEvents;
}

const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export function checkTraceEventFormat(text: string): string[] {
  const errors: string[] = [];
  let events: Ev[];
  try {
    events = parseTrace(text);
  } catch (e) {
    return [(e as Error).message];
  }
  const procNamed = new Set<number>();
  const threadNamed = new Set<string>();
  const usedPids = new Set<number>();
  const usedThreads = new Set<string>();
  const intervals = new Map<string, { s: number; e: number; i: number }[]>();
  const open = new Map<string, { ts: number; i: number }[]>();
  const add = (k: string, s: number, e: number, i: number): void => {
    let l = intervals.get(k);
    if (!l) intervals.set(k, (l = []));
    l.push({ s, e, i });
  };
  events.forEach((ev, i) => {
    const where = `event ${i} (${String(ev?.name)})`;
    if (ev === null || typeof ev !== 'object') return void errors.push(`${where}: not an object`);
    if (!PHASES.has(ev.ph)) return void errors.push(`${where}: ph ${JSON.stringify(ev.ph)} not allowed`);
    if (typeof ev.name !== 'string') errors.push(`${where}: name is not a string`);
    if (!isInt(ev.pid) || !isInt(ev.tid)) errors.push(`${where}: pid/tid not integers`);
    const key = `${ev.pid}/${ev.tid}`;
    if (ev.ph === 'M') {
      if (!META.has(ev.name)) errors.push(`${where}: unknown metadata`);
      if (ev.name.endsWith('_name') && typeof ev.args?.name !== 'string') errors.push(`${where}: no args.name`);
      if (ev.name === 'process_name') procNamed.add(ev.pid);
      if (ev.name === 'thread_name') threadNamed.add(key);
      return;
    }
    if (!isTime(ev.ts)) return void errors.push(`${where}: ts ${String(ev.ts)} is not a time in µs`);
    usedPids.add(ev.pid);
    switch (ev.ph) {
      case 'X':
        if (!isTime(ev.dur)) errors.push(`${where}: dur ${String(ev.dur)} is not ≥ 0`);
        else add(key, ns(ev.ts), ns(ev.ts) + ns(ev.dur), i);
        usedThreads.add(key);
        return;
      case 'B': {
        let l = open.get(key);
        if (!l) open.set(key, (l = []));
        l.push({ ts: ev.ts, i });
        usedThreads.add(key);
        return;
      }
      case 'E': {
        const b = open.get(key)?.pop();
        if (!b) errors.push(`${where}: E without a B on ${key}`);
        else if (ev.ts < b.ts) errors.push(`${where}: E before its B`);
        else add(key, ns(b.ts), ns(ev.ts), b.i);
        return;
      }
      case 'C': {
        const vals = Object.values(ev.args ?? {});
        if (vals.length === 0 || !vals.every((v) => typeof v === 'number' && Number.isFinite(v))) errors.push(`${where}: counter args not all numbers`);
        return;
      }
      default:
        usedThreads.add(key);
        return;
    }
  });
  for (const [k, l] of open) if (l.length > 0) errors.push(`${k}: ${l.length} B without E`);
  for (const p of usedPids) if (!procNamed.has(p)) errors.push(`pid ${p} has no process_name`);
  for (const t of usedThreads) if (!threadNamed.has(t)) errors.push(`thread ${t} has no thread_name`);
  for (const [k, l] of intervals) errors.push(...nestingErrors(k, l));
  return errors;
}

/** Sorted by start, longest first: each interval must end within every open one containing its start. */
function nestingErrors(key: string, l: { s: number; e: number; i: number }[]): string[] {
  const out: string[] = [];
  const sorted = [...l].sort((a, b) => a.s - b.s || b.e - a.e || a.i - b.i);
  const stack: { s: number; e: number; i: number }[] = [];
  for (const x of sorted) {
    while (stack.length > 0 && (stack[stack.length - 1] as { e: number }).e <= x.s) stack.pop();
    const top = stack[stack.length - 1];
    if (top && x.e > top.e) {
      out.push(`${key}: event ${x.i} [${x.s}, ${x.e}] overlaps event ${top.i} [${top.s}, ${top.e}] without nesting`);
      if (out.length > 5) break;
    }
    stack.push(x);
  }
  return out;
}

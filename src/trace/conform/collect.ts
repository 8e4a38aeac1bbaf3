/**
 * Reading one trace file into `mm_shrink_slab_start`/`_end` pairs.
 *
 * A pair is a start and the next end of the same task on the same shrinker pointer: one
 * do_shrink_slab call. Calls of different tasks on one shrinker may interleave (kswapd and
 * direct reclaimers on two CPUs), which is why the task is part of the key. Everything else
 * is skipped and counted.
 */
import { UserError } from '../../util/errors.js';
import type { MmShrinkSlabEnd, MmShrinkSlabStart } from '../shrinkEvents.js';
import { parseFtraceLine, readTraceLines, type FtraceRecord, type TraceLine } from '../ftrace/parse.js';
import {
  END_BODY_SHAPE,
  START_BODY_SHAPE,
  parseShrinkEndBody,
  parseShrinkStartBody,
  pointerKey,
  shrinkerFunction,
} from '../ftrace/shrinkFormat.js';

export const START_EVENT = 'mm_shrink_slab_start';
export const END_EVENT = 'mm_shrink_slab_end';

/** One shrinker tracepoint line with where it was. */
export interface ShrinkLine<E> {
  readonly lineNo: number;
  readonly text: string;
  readonly rec: FtraceRecord;
  readonly event: E;
}

export interface ShrinkPair {
  readonly file: string;
  /** Scan function name (`super_cache_scan`). */
  readonly fn: string;
  /** Normalised shrinker pointer. */
  readonly ptr: string;
  readonly start: ShrinkLine<MmShrinkSlabStart>;
  readonly end: ShrinkLine<MmShrinkSlabEnd>;
}

export interface FileScan {
  readonly file: string;
  readonly lines: number;
  /** Lines of events other than the two shrinker tracepoints. */
  readonly otherEvents: number;
  /** Comments, headers, blank and unrecognised lines. */
  readonly nonEventLines: number;
  readonly pairs: readonly ShrinkPair[];
  /** Starts whose end never came (trace cut, or a lost event). */
  readonly orphanStarts: readonly ShrinkLine<MmShrinkSlabStart>[];
  /** Ends whose start is not in the file (trace began mid-call). */
  readonly orphanEnds: readonly ShrinkLine<MmShrinkSlabEnd>[];
  /**
   * Line numbers of the orphans that are in the middle of the capture: an end after other
   * shrinker events of its task, or a start followed by other shrinker events of its task.
   * A task's do_shrink_slab calls are sequential, so only its first event can lack a start
   * (the capture began mid-call) and only its last can lack an end (the capture stopped).
   */
  readonly midTraceOrphanLines: ReadonlySet<number>;
  /** The trace says events were lost (`[LOST n EVENTS]`, or entries-in-buffer < entries-written). */
  readonly reportsLostEvents: boolean;
}

const LOST_LINE = /^\s*CPU:\d+ \[LOST \d+ EVENTS\]\s*$/;
const ENTRIES_HEADER = /^#\s*entries-in-buffer\/entries-written:\s*(\d+)\/(\d+)/;

/** Comments, blank lines, trace-cmd's preamble and ring-buffer notes: not junk. */
const BENIGN_NON_EVENT = /^\s*(?:#.*|cpus=\d+|version = .*|CPU\s*\d+ is empty|CPU:\d+ \[LOST \d+ EVENTS\]|##### CPU \d+ buffer started ####|)$/;

const SHRINK_EVENT_IN_TEXT = new RegExp(`: (?:${START_EVENT}|${END_EVENT}):\\s`);

const SHAPE_OF_LINE = '"<comm>-<pid> [<cpu>] <flags> <timestamp>: <event>: <body>"';

/** Incremental pairing of one file's lines (so huge traces stream). */
export class ShrinkPairCollector {
  private lines = 0;
  private otherEvents = 0;
  private nonEventLines = 0;
  private readonly pairs: ShrinkPair[] = [];
  private readonly orphanStarts: ShrinkLine<MmShrinkSlabStart>[] = [];
  private readonly orphanEnds: ShrinkLine<MmShrinkSlabEnd>[] = [];
  /** Open calls by `pid|ptr`. */
  private readonly open = new Map<string, ShrinkLine<MmShrinkSlabStart>>();
  /** A non-blank line that is neither an event, a comment nor a known preamble. */
  private sawJunk = false;
  private lost = false;
  /** Line of each task's latest shrinker event. */
  private readonly lastOfPid = new Map<number, number>();
  private readonly midTrace = new Set<number>();

  constructor(readonly file: string) {}

  push({ lineNo, text }: TraceLine): void {
    this.lines = lineNo;
    const rec = parseFtraceLine(text);
    if (!rec) {
      // A shrinker line whose prefix is mangled is bad input, not "some other line".
      if (SHRINK_EVENT_IN_TEXT.test(text)) {
        throw new UserError(`${this.file}:${lineNo}: expected an ftrace event line ${SHAPE_OF_LINE}`);
      }
      this.nonEventLines++;
      if (!BENIGN_NON_EVENT.test(text)) this.sawJunk = true;
      const entries = ENTRIES_HEADER.exec(text);
      if (LOST_LINE.test(text) || (entries && Number(entries[1]) < Number(entries[2]))) this.lost = true;
      return;
    }
    if (rec.event === START_EVENT) this.onStart(lineNo, text, rec);
    else if (rec.event === END_EVENT) this.onEnd(lineNo, text, rec);
    else this.otherEvents++;
  }

  private onStart(lineNo: number, text: string, rec: FtraceRecord): void {
    const parsed = parseShrinkStartBody(rec.body);
    if (!parsed) throw new UserError(`${this.file}:${lineNo}: ${START_EVENT} body: expected ${START_BODY_SHAPE}`);
    const key = `${rec.pid}|${pointerKey(parsed.event.shr.ptr)}`;
    const prev = this.open.get(key);
    // A second start of the same task on the same shrinker: the first call's end was lost.
    if (prev) {
      this.orphanStarts.push(prev);
      this.midTrace.add(prev.lineNo);
    }
    this.lastOfPid.set(rec.pid, lineNo);
    this.open.set(key, { lineNo, text, rec, event: parsed.event });
  }

  private onEnd(lineNo: number, text: string, rec: FtraceRecord): void {
    const event = parseShrinkEndBody(rec.body);
    if (!event) throw new UserError(`${this.file}:${lineNo}: ${END_EVENT} body: expected ${END_BODY_SHAPE}`);
    const ptr = pointerKey(event.shr.ptr);
    const key = `${rec.pid}|${ptr}`;
    const end = { lineNo, text, rec, event };
    const start = this.open.get(key);
    const seenTask = this.lastOfPid.has(rec.pid);
    this.lastOfPid.set(rec.pid, lineNo);
    if (!start) {
      this.orphanEnds.push(end);
      if (seenTask) this.midTrace.add(lineNo);
      return;
    }
    this.open.delete(key);
    this.pairs.push({ file: this.file, fn: shrinkerFunction(start.event.shr.symbol), ptr, start, end });
  }

  finish(): FileScan {
    const events = this.pairs.length + this.otherEvents + this.orphanEnds.length + this.open.size;
    if (events === 0 && this.sawJunk) {
      throw new UserError(`${this.file}:1: expected ftrace text (lines like ${SHAPE_OF_LINE}), found none`);
    }
    const orphanStarts = [...this.orphanStarts, ...this.open.values()].sort((a, b) => a.lineNo - b.lineNo);
    for (const s of this.open.values()) if (this.lastOfPid.get(s.rec.pid) !== s.lineNo) this.midTrace.add(s.lineNo);
    return {
      file: this.file,
      lines: this.lines,
      otherEvents: this.otherEvents,
      nonEventLines: this.nonEventLines,
      pairs: this.pairs,
      orphanStarts,
      orphanEnds: this.orphanEnds,
      midTraceOrphanLines: this.midTrace,
      reportsLostEvents: this.lost,
    };
  }
}

/** Pairs the shrinker events of lines already in memory (tests, synthetic traces). */
export function collectLines(file: string, lines: Iterable<string>): FileScan {
  const c = new ShrinkPairCollector(file);
  let lineNo = 0;
  for (const text of lines) {
    lineNo++;
    c.push({ lineNo, text });
  }
  return c.finish();
}

/** Streams a trace file (plain or gzip) and pairs its shrinker events. */
export async function collectFile(path: string, label: string = path): Promise<FileScan> {
  const c = new ShrinkPairCollector(label);
  for await (const line of readTraceLines(path)) {
    c.push(line);
  }
  return c.finish();
}

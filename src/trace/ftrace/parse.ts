/**
 * Reading ftrace text: one event line into a generic record, and a streaming line reader for
 * plain or gzip-compressed files.
 *
 * Two producers are accepted:
 * - the kernel's `trace` file: `<comm>-<pid> [(<tgid>)] [<cpu>] <flags> <ts>: <event>: <body>`
 *   (flags column 5 characters on 6.x, 4 on older kernels; absent when irq-info is off);
 * - `trace-cmd report`: `<comm>-<pid> [<cpu>] [<lat flags>] <ts>: <event>: <body>`, where the
 *   event name may be followed by padding spaces and the timestamp may carry 9 digits.
 *
 * The parser knows nothing about particular events, so the Binder tooling reuses it.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { UserError } from '../../util/errors.js';

/** One event line of ftrace text. */
export interface FtraceRecord {
  /** Task name as printed (may contain spaces and dashes; `<...>` when unknown). */
  readonly comm: string;
  readonly pid: number;
  /** The `(tgid)` column when the record-tgid option was on; undefined otherwise or `(-------)`. */
  readonly tgid?: number;
  readonly cpu: number;
  /** Latency flags column (`.....`, `.N...`, `d..1`), or undefined when not printed. */
  readonly flags: string | undefined;
  /** Timestamp exactly as printed (`9.781592`). */
  readonly ts: string;
  /** Timestamp in nanoseconds (µs text is scaled; a bare counter is taken as ns). */
  readonly tsNs: bigint;
  readonly event: string;
  /** Everything after `<event>: `, with trace-cmd's padding removed. */
  readonly body: string;
}

/*
 * comm is lazy so that the pid is the LAST `-digits` that is followed by the cpu column (a
 * comm such as `kworker/u8:3-events` or `my task-12` contains dashes and spaces).
 */
const LINE_RE =
  /^\s*(.*?)-(\d+)\s+(?:\(\s*(\d+|-+)\)\s+)?\[(\d+)\]\s+(?:(\S{1,8})\s+)?(\d+(?:\.\d+)?):\s+([A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)?):\s?(.*)$/;

/** Converts a printed timestamp to ns: `secs.frac` with any number of fraction digits. */
export function timestampToNs(ts: string): bigint {
  const dot = ts.indexOf('.');
  if (dot < 0) return BigInt(ts);
  const secs = BigInt(ts.slice(0, dot));
  const frac = ts.slice(dot + 1);
  const nsText = frac.length >= 9 ? frac.slice(0, 9) : frac + '0'.repeat(9 - frac.length);
  return secs * 1_000_000_000n + BigInt(nsText);
}

/**
 * Parses one ftrace event line; undefined for anything else (comments, headers, `CPU:1
 * [LOST 12 EVENTS]`, trace-cmd's `cpus=2` preamble, blank lines).
 */
export function parseFtraceLine(line: string): FtraceRecord | undefined {
  const m = LINE_RE.exec(line);
  if (!m) return undefined;
  const [, comm, pid, tgid, cpu, flags, ts, event, body] = m as unknown as [
    string, string, string, string | undefined, string, string | undefined, string, string, string,
  ];
  const rec: FtraceRecord = {
    comm,
    pid: Number(pid),
    cpu: Number(cpu),
    flags,
    ts,
    tsNs: timestampToNs(ts),
    event,
    // trace-cmd pads the event name column; the kernel prints exactly one space.
    body: body.trimStart(),
  };
  if (tgid !== undefined && /^\d+$/.test(tgid)) return { ...rec, tgid: Number(tgid) };
  return rec;
}

/** One line of a trace file, numbered from 1. */
export interface TraceLine {
  readonly lineNo: number;
  readonly text: string;
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;
/** trace-cmd's binary trace.dat starts with `\x17\x08\x44tracing`. */
const TRACE_DAT_MAGIC = [0x17, 0x08, 0x44] as const;

async function headBytes(path: string): Promise<Buffer> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: no such file`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a directory, expected an ftrace text file`);
    throw new UserError(`${path}: cannot open (${code ?? String(e)})`);
  }
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return buf.subarray(0, bytesRead);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new UserError(`${path}: is a directory, expected an ftrace text file`);
    throw new UserError(`${path}: cannot read (${code ?? String(e)})`);
  } finally {
    await fh.close();
  }
}

const startsWith = (b: Buffer, magic: readonly number[]): boolean =>
  b.length >= magic.length && magic.every((v, i) => b[i] === v);

/**
 * Streams the lines of a trace file, decompressing when the file starts with the gzip magic
 * (the name does not matter). A missing file, a directory, binary trace.dat data or a corrupt
 * gzip stream become a one-line UserError naming the file.
 */
export async function* readTraceLines(path: string): AsyncGenerator<TraceLine> {
  const head = await headBytes(path);
  if (startsWith(head, TRACE_DAT_MAGIC)) {
    throw new UserError(`${path}: binary trace-cmd data; convert it with \`trace-cmd report\` first`);
  }
  const gz = startsWith(head, GZIP_MAGIC);
  const raw = createReadStream(path);
  const gunzip = gz ? createGunzip() : undefined;
  const source: Readable = gunzip ? raw.pipe(gunzip) : raw;
  const rl = createInterface({ input: source, crlfDelay: Infinity });
  let streamError: Error | undefined;
  // An error does not end the input, so readline would wait forever: close it ourselves.
  const fail = (e: Error): void => {
    streamError ??= e;
    rl.close();
  };
  raw.on('error', fail);
  gunzip?.on('error', fail);
  let lineNo = 0;
  try {
    for await (const text of rl) {
      lineNo++;
      yield { lineNo, text };
    }
  } catch (e) {
    streamError ??= e as Error;
  } finally {
    rl.close();
    gunzip?.destroy();
    raw.destroy();
  }
  if (streamError) {
    const what = gz ? 'corrupt gzip data' : 'read error';
    throw new UserError(`${path}:${lineNo + 1}: ${what} (${streamError.message})`);
  }
}

/**
 * The ftrace text line as /sys/kernel/tracing/trace prints it (kernel/trace/trace_output.c,
 * `trace_print_context`): `%16s-%-7d [%03d] <flags> %5lu.%06lu: <event>: <body>`.
 */

/** Who emitted an event, where and when. */
export interface TraceContext {
  /** Task name (comm), at most 15 characters in the kernel. */
  readonly comm: string;
  readonly pid: number;
  readonly cpu: number;
  /** Latency flags column: 5 characters on 6.x (irqs-off, need-resched, hardirq/softirq, preempt-depth, migrate-disable). */
  readonly flags?: string;
  /** Timestamp in nanoseconds of simulated time (printed with µs resolution). */
  readonly tsNs: bigint;
}

const pad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const padRight = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function formatTimestamp(tsNs: bigint): string {
  const us = tsNs / 1000n;
  const sec = us / 1_000_000n;
  const frac = us % 1_000_000n;
  return `${pad(sec.toString(), 5)}.${frac.toString().padStart(6, '0')}`;
}

export function formatFtraceLine(ctx: TraceContext, event: string, body: string): string {
  const comm = pad(ctx.comm.slice(0, 16), 16);
  const pid = padRight(String(ctx.pid), 7);
  const cpu = String(ctx.cpu).padStart(3, '0');
  return `${comm}-${pid} [${cpu}] ${ctx.flags ?? '.....'} ${formatTimestamp(ctx.tsNs)}: ${event}: ${body}`;
}

/** The header /sys/kernel/tracing/trace prints before the events (nop tracer, 6.x). */
export function ftraceHeader(entries: number, cpus: number): string {
  return [
    '# tracer: nop',
    '#',
    `# entries-in-buffer/entries-written: ${entries}/${entries}   #P:${cpus}`,
    '#',
    '#                                _-----=> irqs-off/BH-disabled',
    '#                               / _----=> need-resched',
    '#                              | / _---=> hardirq/softirq',
    '#                              || / _--=> preempt-depth',
    '#                              ||| / _-=> migrate-disable',
    '#                              |||| /     delay',
    '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
    '#              | |         |   |||||     |         |',
  ].join('\n');
}

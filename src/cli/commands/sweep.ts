/**
 * `shrinksim sweep SCENARIO [--set PATH=V1,V2 …] [--seeds 1..20] [--reference P]
 *   [--workers N] [--json F] [--csv F] [--shard I/N --out DIR]`:
 * every point (product of the values) × every seed on a worker pool, then the tidy rows and
 * the summary per point. Every point is validated before anything runs (exit 2, one line).
 * With `--shard`/`--out` only that shard's runs, written as a shard file for `merge`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepArgs } from '../parse.js';
import { loadReportAssets } from '../../report/html/assets.js';
import { asSweepDoc } from '../../report/html/sweepDoc.js';
import { renderSweepHtml } from '../../report/sweepHtml.js';
import { writeFileAtomic } from '../../report/writeFile.js';
import { planSweepFile, type SweepPlan } from '../../sweep/plan.js';
import { allRuns, moduleWorkerFile, runSweep, type SweepRow } from '../../sweep/pool.js';
import { metaOf, metricNames, pointLabel, renderSweepCsv, renderSweepJson, type SweepMeta } from '../../sweep/result.js';
import { parseShard, renderShard, shardFileName, shardRuns, type Shard } from '../../sweep/shard.js';
import { parseSeeds, parseSetFlag } from '../../sweep/spec.js';
import { renderSweepSummary } from '../../sweep/summary.js';
import { UserError } from '../../util/errors.js';
import { packageRoot } from '../../util/packageRoot.js';

/**
 * A cli-progress bar on stderr (TTY only): points done (every seed of the point finished),
 * runs done and the ETA.
 */
async function progressBar(enabled: boolean, runs: readonly number[], seeds: number): Promise<{ update(done: number, row: SweepRow): void; stop(): void } | undefined> {
  if (!enabled || process.stderr.isTTY !== true || runs.length < 2) return undefined;
  const cliProgress = await import('cli-progress');
  // Runs left per point (a shard may hold only some of a point's seeds).
  const left = new Map<number, number>();
  for (const r of runs) left.set(Math.floor(r / seeds), (left.get(Math.floor(r / seeds)) ?? 0) + 1);
  const points = left.size;
  let pointsDone = 0;
  const bar = new cliProgress.SingleBar(
    {
      format: 'sweep [{bar}] {pointsDone}/{points} points, {value}/{total} runs | {eta_formatted} left',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(runs.length, 0, { pointsDone, points });
  return {
    update: (d, row) => {
      const n = (left.get(row.point) ?? 1) - 1;
      left.set(row.point, n);
      if (n === 0) pointsDone++;
      bar.update(d, { pointsDone, points });
    },
    stop: () => bar.stop(),
  };
}

/** Writes `--json`/`--csv` and prints the summary: shared by `sweep` and `merge`. */
export function writeSweepOutputs(meta: SweepMeta, rows: readonly SweepRow[], o: { json: string | undefined; csv: string | undefined; metrics: string | undefined; quiet: boolean; html?: string | undefined }): void {
  const only = metricsFilter(o.metrics);
  const files: [string, string][] = [];
  if (o.json !== undefined) files.push([o.json, renderSweepJson(meta, rows)]);
  if (o.html !== undefined) {
    // Through the JSON document, so `--html` and `report SWEEP.json` give the same bytes.
    const doc = asSweepDoc(JSON.parse(renderSweepJson(meta, rows)), '(sweep)');
    files.push([o.html, renderSweepHtml(doc, loadReportAssets(), only ? { only } : {})]);
  }
  if (o.csv !== undefined) files.push([o.csv, renderSweepCsv(meta, rows)]);
  for (const [f, text] of files) writeFileAtomic(f, text);
  if (!o.quiet) process.stdout.write(renderSweepSummary(meta, rows, metricNames(rows), only));
}

/** `--metrics REGEX` → a name filter (checked before anything runs). */
export function metricsFilter(text: string | undefined): ((name: string) => boolean) | undefined {
  if (text === undefined) return undefined;
  try {
    const re = new RegExp(text);
    return (name) => re.test(name);
  } catch (e) {
    throw new UserError(`--metrics: not a regular expression: ${(e as Error).message}`);
  }
}

/** `--dry-run`: the points, their run indices (this shard's only, with --shard) and hashes. */
function renderPlan(plan: SweepPlan, runs: readonly number[], shard: Shard | undefined): string {
  const S = plan.seeds.length;
  const mine = new Set(runs);
  const lines = [
    `sweep ${plan.name} (${plan.file}): ${plan.points.length} points × ${S} seeds = ${plan.points.length * S} runs; reference point ${plan.reference}`,
    `seeds: ${plan.seeds.join(',')}`,
  ];
  if (shard) lines.push(`shard ${shard.index}/${shard.count}: ${runs.length} runs (runIndex % ${shard.count} == ${shard.index})`);
  const meta = metaOf(plan);
  for (const p of plan.points) {
    const ids = plan.seeds.map((_, i) => p.index * S + i).filter((r) => mine.has(r));
    lines.push(`  ${p.index}  ${pointLabel(meta, p.index)}  ${p.hash}  runs ${ids.length === S ? `${p.index * S}..${p.index * S + S - 1}` : ids.join(',') || 'none'}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function sweepCommand(args: SweepArgs): Promise<number> {
  const sets = args.sets.map(parseSetFlag);
  const seeds = args.seeds === undefined ? undefined : parseSeeds(args.seeds, '--seeds');
  const shard = args.shard === undefined ? undefined : parseShard(args.shard);
  metricsFilter(args.metrics);
  if (shard && args.out === undefined) throw new UserError('--shard: needs --out DIR (where the shard file goes)');
  if (args.out !== undefined && (args.json !== undefined || args.csv !== undefined || args.html !== undefined)) {
    throw new UserError('--out: a shard file is not a result; write --json/--csv with `shrinksim merge DIR`');
  }
  const plan = planSweepFile(args.scenario, { sets, seeds, reference: args.reference });
  const total = plan.points.length * plan.seeds.length;
  const runs = shard ? shardRuns(total, shard) : allRuns(plan);
  if (args.dryRun) {
    process.stdout.write(renderPlan(plan, runs, shard));
    return 0;
  }

  const bar = await progressBar(args.progress, runs, plan.seeds.length);
  let rows: SweepRow[];
  try {
    rows = await runSweep(plan, {
      runs,
      workerFile: sweepWorkerFile(),
      ...(args.workers === undefined ? {} : { workers: args.workers }),
      ...(bar ? { onDone: (d: number, _t: number, row: SweepRow) => bar.update(d, row) } : {}),
    });
  } finally {
    bar?.stop();
  }
  const meta = metaOf(plan);
  if (args.out !== undefined) {
    const s = shard ?? { index: 0, count: 1 };
    mkdirSync(args.out, { recursive: true });
    const file = join(args.out, shardFileName(s));
    writeFileAtomic(file, renderShard(meta, s, rows));
    if (!args.quiet) process.stdout.write(`shard ${s.index}/${s.count}: ${rows.length} of ${total} runs → ${file}\n`);
    return 0;
  }
  writeSweepOutputs(meta, rows, args);
  return 0;
}

/**
 * The worker the CLI's pool runs: the bundled one (scripts/bundle.mjs), which a worker thread
 * loads in ~0.09 CPU-s instead of ~0.18 for the ~150 modules tsc writes; those when no bundle
 * was built.
 */
function sweepWorkerFile(): string {
  const bundled = join(packageRoot(), 'dist', 'cli-bundle', 'sweep-worker.js');
  return existsSync(bundled) ? bundled : moduleWorkerFile();
}

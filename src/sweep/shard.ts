/**
 * Shards: a sweep split over machines. Shard I of N does the runs whose index
 * `runIndex = pointIndex × seeds + seedIndex` satisfies `runIndex % N == I` (round-robin, so
 * every shard gets a share of every point and long points spread out), and writes
 * `DIR/shard-I-of-N.json`: the sweep's meta, a fingerprint of it, and its rows.
 *
 * `merge` reads shard files, checks that they are the N shards of one sweep (same
 * fingerprint, each index once, every run present), and yields the rows in run order: the
 * result is the unsharded sweep's, byte for byte, whoever ran which shard.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../scenario/hash.js';
import { countOf, type Metrics } from '../report/metrics.js';
import { bigintToJson } from '../report/json.js';
import { UserError } from '../util/errors.js';
import type { SweepRow } from './pool.js';
import type { SweepMeta } from './result.js';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `I/N` with 0 ≤ I < N. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new UserError(`--shard: expected I/N with 0 ≤ I < N (e.g. 0/4), got "${text}"`);
  return { index, count };
}

/** The run indices of shard `s` among `total` runs. */
export function shardRuns(total: number, s: Shard): number[] {
  const out: number[] = [];
  for (let r = s.index; r < total; r += s.count) out.push(r);
  return out;
}

export const shardFileName = (s: Shard): string => `shard-${s.index}-of-${s.count}.json`;

/** sha256 of the canonical meta: shards of one sweep agree on it. */
export const fingerprint = (meta: SweepMeta): string => `sha256:${createHash('sha256').update(canonicalJson(meta)).digest('hex')}`;

const KIND = 'shrinksim-sweep-shard';

export function renderShard(meta: SweepMeta, shard: Shard, rows: readonly SweepRow[]): string {
  const doc = {
    kind: KIND,
    schemaVersion: 1,
    shard,
    fingerprint: fingerprint(meta),
    meta,
    rows: rows.map((r) => ({ point: r.point, seed: r.seed, metrics: r.metrics.map(([k, v]) => [k, typeof v === 'bigint' ? bigintToJson(v) : v]) })),
  };
  return `${JSON.stringify(doc)}\n`;
}

interface ShardFile {
  readonly file: string;
  readonly shard: Shard;
  readonly fingerprint: string;
  readonly meta: SweepMeta;
  readonly rows: SweepRow[];
}

function readShard(file: string): ShardFile {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${file}: not a readable shard file (${(e as Error).message.split('\n')[0]})`);
  }
  if (doc?.kind !== KIND) throw new UserError(`${file}: kind: expected "${KIND}" (a file written by sweep --shard)`);
  const shard = doc.shard as Shard;
  const meta = doc.meta as SweepMeta | undefined;
  const bad = (field: string) => new UserError(`${file}: ${field}: not as sweep --shard writes it (a damaged or edited shard file)`);
  if (!shard || !Number.isInteger(shard.index) || !Number.isInteger(shard.count) || shard.index < 0 || shard.index >= shard.count) throw bad('shard');
  if (!meta || !Array.isArray(meta.points) || !Array.isArray(meta.seeds) || !Array.isArray(meta.params) || !Number.isInteger(meta.reference)) throw bad('meta');
  if (!Array.isArray(doc.rows)) throw bad('rows');
  for (const [i, r] of (doc.rows as unknown[]).entries()) {
    const row = r as { point?: unknown; seed?: unknown; metrics?: unknown };
    if (!Number.isInteger(row?.point) || !Number.isInteger(row?.seed) || !Array.isArray(row?.metrics)) throw bad(`rows[${i}]`);
  }
  const rows = (doc.rows as { point: number; seed: number; metrics: [string, unknown][] }[]).map((r) => ({
    point: r.point,
    seed: r.seed,
    metrics: r.metrics.map(([k, v]) => {
      try {
        return [String(k), countOf(v, k)] as const;
      } catch (e) {
        throw new UserError(`${file}: rows: ${(e as Error).message}`);
      }
    }) as Metrics,
  }));
  return { file, shard, fingerprint: String(doc.fingerprint), meta, rows };
}

/** Shard files named directly, or every `shard-*.json` inside a directory. */
export function shardFiles(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    let st;
    try {
      st = statSync(a);
    } catch {
      throw new UserError(`${a}: no such file or directory`);
    }
    if (st.isDirectory()) out.push(...readdirSync(a).filter((f) => /^shard-\d+-of-\d+\.json$/.test(f)).sort().map((f) => join(a, f)));
    else out.push(a);
  }
  if (out.length === 0) throw new UserError(`${args.join(' ')}: no shard-*.json files`);
  return out;
}

/** Joins the shards of one sweep into its meta and rows (in run order). */
export function mergeShards(files: readonly string[]): { meta: SweepMeta; rows: SweepRow[] } {
  const shards = files.map(readShard);
  const first = shards[0]!;
  const N = first.shard.count;
  const byIndex = new Map<number, ShardFile>();
  for (const s of shards) {
    if (s.fingerprint !== first.fingerprint) throw new UserError(`${s.file}: from another sweep than ${first.file} (fingerprints differ)`);
    if (s.shard.count !== N) throw new UserError(`${s.file}: shard of ${s.shard.count}, but ${first.file} is a shard of ${N}`);
    const dup = byIndex.get(s.shard.index);
    if (dup) throw new UserError(`${s.file}: shard ${s.shard.index}/${N} given twice (also ${dup.file})`);
    byIndex.set(s.shard.index, s);
  }
  const missing = Array.from({ length: N }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) throw new UserError(`merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${N}`).join(', ')} missing`);
  const meta = first.meta;
  const S = meta.seeds.length;
  const total = meta.points.length * S;
  const seedIndex = new Map(meta.seeds.map((s, i) => [s, i]));
  const rows = new Array<SweepRow | undefined>(total);
  for (const s of shards) {
    for (const r of s.rows) {
      const run = r.point * S + (seedIndex.get(r.seed) ?? NaN);
      if (!(run >= 0 && run < total) || run % N !== s.shard.index || rows[run]) throw new UserError(`${s.file}: row point ${r.point} seed ${r.seed} does not belong to shard ${s.shard.index}/${N}`);
      rows[run] = r;
    }
  }
  const absent = rows.findIndex((r) => r === undefined);
  if (absent >= 0) throw new UserError(`merge: run ${absent} (point ${Math.floor(absent / S)}, seed ${meta.seeds[absent % S]}) is in no shard`);
  return { meta, rows: rows as SweepRow[] };
}
